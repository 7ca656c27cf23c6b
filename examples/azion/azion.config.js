// An azion.config.js for `azion deploy` (Azion CLI): urlseal's verifier as an Edge
// Firewall function in front of an Edge Application that strips the token carriers.
// Adapt the names, the domain and the origin; docs/deploy/azion.md explains each part.
import { readFileSync } from 'node:fs';

// The keyring becomes the function instance's JSON Args (event.args): from env
// URLSEAL_KEYRING, or a keyring file kept out of version control.
const keyring = JSON.parse(process.env.URLSEAL_KEYRING ?? readFileSync('keyring.local.json', 'utf8'));

export default {
  build: {
    // The built verifier: a Service-Worker-syntax firewall function, Web APIs only.
    entry: 'node_modules/@urlseal/edge/dist/azion.js',
    preset: { name: 'javascript' },
  },
  origin: [
    {
      name: 'media-origin',
      type: 'single_origin',
      addresses: [{ address: 'media-origin.example.com' }],
      protocolPolicy: 'https',
    },
  ],
  cache: [
    {
      name: 'media',
      browser: { maxAgeSeconds: 0 },
      edge: { maxAgeSeconds: 86400 },
      // Tokens never key the cache (nor split it per viewer).
      cacheByQueryString: { option: 'denylist', list: ['token', 'st', 'e'] },
      cacheByCookie: { option: 'ignore' },
    },
  ],
  rules: {
    request: [
      {
        // /_token/<jwt>/videos/a.ts reaches the origin as /videos/a.ts.
        name: 'urlseal: strip the path token',
        match: '^/_token/[^/]+/',
        behavior: {
          capture: { match: '^/_token/[^/]+(/.*)$', captured: 'urlseal_rest', subject: 'uri' },
          rewrite: '%{urlseal_rest[1]}',
        },
      },
      {
        name: 'urlseal: no token header or cookie to the origin',
        match: '^/',
        behavior: {
          filterHeader: 'Authorization',
          filterCookie: 'urlseal',
          setOrigin: { name: 'media-origin', type: 'single_origin' },
          setCache: 'media',
        },
      },
    ],
  },
  firewall: {
    name: 'urlseal',
    domains: ['media.example.com'],
    active: true,
    functions: true,
    rules: [
      {
        name: 'urlseal verifies every request',
        match: '^/',
        behavior: {
          runFunction: { path: 'node_modules/@urlseal/edge/dist/azion.js', args: keyring },
        },
      },
    ],
  },
};
