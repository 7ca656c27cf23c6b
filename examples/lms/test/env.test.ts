import { describe, expect, it } from 'vitest';
import { demoSettings } from '../src/env.js';

describe('npm start settings (env)', () => {
  it('defaults: ports 3000/3001/8080, links live 300 s, the edge’s own leeway', () => {
    expect(demoSettings({})).toEqual({ port: 3000, mediaPort: 3001, edgePort: 8080, ttlSeconds: 300, edgeLeeway: undefined });
  });

  it('reads LINK_TTL and EDGE_LEEWAY in seconds', () => {
    expect(demoSettings({ LINK_TTL: '10', EDGE_LEEWAY: '2', PORT: '0' })).toMatchObject({ ttlSeconds: 10, edgeLeeway: 2, port: 0 });
    expect(demoSettings({ EDGE_LEEWAY: '0' }).edgeLeeway).toBe(0);
  });

  it.each([
    ['LINK_TTL', '0'],
    ['LINK_TTL', '5m'],
    ['LINK_TTL', '86401'],
    ['LINK_TTL', '-1'],
    ['EDGE_LEEWAY', '1.5'],
    ['PORT', '70000'],
  ])('refuses %s=%s with one line naming the variable', (name, value) => {
    expect(() => demoSettings({ [name]: value })).toThrow(new RegExp(`^${name} must be`));
  });
});
