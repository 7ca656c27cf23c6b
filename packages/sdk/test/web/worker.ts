// A Worker that signs with @urlseal/sdk/web, for workerd.test.ts: POST a JSON call
// { keyring, now, method, args } and get { ok, result } or { ok: false, name, message }.
// Bundled without the node condition or nodejs_compat: Web APIs only.
import { createSigner, type WebSigner } from '@urlseal/sdk/web';

interface SignRequest {
  keyring: string;
  now: number;
  method: keyof WebSigner;
  args: unknown[];
}

export default {
  async fetch(request: Request): Promise<Response> {
    const { keyring, now, method, args } = (await request.json()) as SignRequest;
    try {
      const signer = createSigner({ keyring, currentDate: new Date(now * 1000) });
      const result: unknown = await (signer[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      if (typeof result === 'object' && result !== null && 'serialize' in result) {
        const { serialize, ...rest } = result as { serialize(): string };
        return Response.json({ ok: true, result: { ...rest, setCookie: serialize() } });
      }
      return Response.json({ ok: true, result });
    } catch (error) {
      return Response.json({ ok: false, name: (error as Error).name, message: (error as Error).message });
    }
  },
};
