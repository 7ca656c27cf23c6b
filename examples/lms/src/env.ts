/** The settings `npm start` reads from the environment. */
export interface DemoSettings {
  readonly port: number;
  readonly mediaPort: number;
  readonly edgePort: number;
  /** LINK_TTL: lifetime of every link the app signs, in seconds. */
  readonly ttlSeconds: number;
  /** EDGE_LEEWAY: the edge verifier's clock leeway, in seconds (undefined: the edge's default, 30). */
  readonly edgeLeeway: number | undefined;
}

function whole(env: NodeJS.ProcessEnv, name: string, min: number, max: number, what: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^[0-9]{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new RangeError(`${name} must be ${what} (${min}-${max}), got ${JSON.stringify(raw.slice(0, 40))}`);
  }
  return Number(raw);
}

/**
 * Reads PORT, MEDIA_PORT, EDGE_PORT, LINK_TTL and EDGE_LEEWAY. Throws a
 * RangeError with one line naming the variable when a value is unusable.
 */
export function demoSettings(env: NodeJS.ProcessEnv = process.env): DemoSettings {
  return {
    port: whole(env, 'PORT', 0, 65535, 'a port number') ?? 3000,
    mediaPort: whole(env, 'MEDIA_PORT', 0, 65535, 'a port number') ?? 3001,
    edgePort: whole(env, 'EDGE_PORT', 0, 65535, 'a port number') ?? 8080,
    ttlSeconds: whole(env, 'LINK_TTL', 1, 86400, 'a link lifetime in whole seconds') ?? 300,
    edgeLeeway: whole(env, 'EDGE_LEEWAY', 0, 3600, 'the edge leeway in whole seconds'),
  };
}
