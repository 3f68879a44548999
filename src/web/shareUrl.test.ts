import { describe, expect, it } from 'vitest';
import { parseShareLocation } from './shareUrl.js';

describe('parseShareLocation', () => {
  it('reads the token and builds addresses at the root', () => {
    expect(parseShareLocation({ pathname: '/share/AbC_-123456789', protocol: 'http:', host: 'relay:8080' })).toEqual({
      token: 'shr_AbC_-123456789',
      apiBase: '',
      wsUrl: 'ws://relay:8080/ws/attach',
    });
  });

  it('keeps a sub-path prefix and uses wss on https', () => {
    expect(parseShareLocation({ pathname: '/tools/tl/share/abcdefgh12', protocol: 'https:', host: 'example.org' })).toEqual({
      token: 'shr_abcdefgh12',
      apiBase: '/tools/tl',
      wsUrl: 'wss://example.org/tools/tl/ws/attach',
    });
  });

  it('refuses paths without a well-formed token', () => {
    expect(parseShareLocation({ pathname: '/share/', protocol: 'http:', host: 'h' })).toBeNull();
    expect(parseShareLocation({ pathname: '/share/abc%2Fdef12', protocol: 'http:', host: 'h' })).toBeNull();
    expect(parseShareLocation({ pathname: '/', protocol: 'http:', host: 'h' })).toBeNull();
  });
});
