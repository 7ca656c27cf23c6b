import request from 'supertest';
import type { Express } from 'express';

export type Agent = ReturnType<typeof request.agent>;

export function unescapeHtml(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match?.[1]) throw new Error('no csrf field on the page');
  return match[1];
}

/** The signed media URL a lesson page embeds (video src, or the hls.js source). */
export function mediaLinkOf(page: string): string | undefined {
  const match = /<video id="player"[^>]*?(?:data-hls-src|src)="([^"]+)"/.exec(page);
  return match?.[1] === undefined ? undefined : unescapeHtml(match[1]);
}

/** Signs in through the real form (GET /login for the CSRF token, then POST). */
export async function login(target: Express | string, email: string, password: string): Promise<{ agent: Agent; status: number; text: string; location?: string }> {
  const agent = request.agent(target);
  const form = await agent.get('/login').expect(200);
  const res = await agent.post('/login').type('form').send({ csrf: csrfOf(form.text), email, password });
  return { agent, status: res.status, text: res.text, location: res.headers.location };
}
