import { describe, expect, it } from 'vitest';
import { cliMessage } from '../../src/cli/usage.js';

describe('cliMessage', () => {
  it('drops the prefix of every library function whose errors reach the CLI, so the command is named once', () => {
    const callers = [
      'createSigner', 'signUrl', 'sign', 'signToken', 'signCookie', 'parseTtl', 'loadKeyring', 'secureToken', 'createVerifier',
      'buildCloudFrontFunction', 'buildNginxModule', 'checkManifest', 'keyringFile', 'keyringUrl', 'createEdgeServer',
    ];
    for (const caller of callers) {
      expect(cliMessage(`${caller}: option "maxStale" must be a duration`), caller).toBe('--max-stale must be a duration');
    }
  });

  it('names a carrier name by its own flag', () => {
    expect(cliMessage('checkManifest: option "params.pathSegment" must be a short name')).toBe('--path-segment must be a short name');
  });

  it('keeps a prefix that is not a library caller', () => {
    expect(cliMessage('somethingElse: option "ttl" is bad')).toBe('somethingElse: --ttl is bad');
  });
});
