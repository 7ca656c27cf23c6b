// The Express rows of `npm run bench`: express.static serving a folder, with or without
// urlseal() in front. Usage: node express-app.mjs PORT DIR [--urlseal] (keyring: env URLSEAL_KEYRING)
import express from 'express';
import { urlseal } from '../../packages/edge/dist/runtimes/node/express.js';

const [port, dir, flag] = process.argv.slice(2);
const app = express();
if (flag === '--urlseal') app.use(urlseal({ keyring: process.env.URLSEAL_KEYRING }));
app.use(express.static(dir));
app.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
