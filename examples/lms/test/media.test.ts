import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createMediaOrigin, tokenCarriers } from '../src/media.js';

describe('media origin', () => {
  it('serves files with Range support and the app origin allowed for CORS', async () => {
    const app = createMediaOrigin({ allowOrigin: 'http://127.0.0.1:3000' });
    const res = await request(app).get('/videos/course-1/intro.mp4').set('Range', 'bytes=0-99').expect(206);
    expect(res.headers['content-range']).toMatch(/^bytes 0-99\/\d+$/);
    expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:3000');
    const playlist = await request(app).get('/videos/course-1/hls/master.m3u8').expect(200);
    expect(playlist.headers['content-type']).toMatch(/mpegurl/);
  });

  it('logs a request that carries a token as an error, naming the carrier but never its value', async () => {
    const errors: string[] = [];
    const app = createMediaOrigin({ logError: (line) => errors.push(line) });
    await request(app).get('/videos/course-1/intro.mp4?token=SECRETVALUE');
    await request(app).get('/_token/SECRETVALUE/videos/course-1/intro.mp4');
    await request(app).get('/videos/course-1/intro.mp4').set('Authorization', 'Bearer SECRETVALUE');
    expect(errors).toHaveLength(3);
    for (const line of errors) {
      expect(line).toContain('ERROR');
      expect(line).not.toContain('SECRETVALUE');
    }
  });

  it('recognises every SPEC §6 carrier', () => {
    expect(tokenCarriers('/a?st=x&e=1', {})).toEqual(['query st', 'query e']);
    expect(tokenCarriers('/a', { cookie: 'x=1; urlseal=abc' })).toEqual(['cookie urlseal']);
    expect(tokenCarriers('/a', { authorization: 'Basic abc' })).toEqual([]);
  });
});
