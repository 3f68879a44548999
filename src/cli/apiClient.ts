// The operator's HTTP client for the relay API. Errors come back as values with
// the API's code and message, never as stack traces.
import type { ApiError } from '../common/protocol.js';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError; status: number };

export async function callApi<T>(relayUrl: string, key: string, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  let response: Response;
  try {
    response = await fetch(relayUrl + path, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (error) {
    return {
      ok: false,
      status: 0,
      error: { code: 'RELAY_UNREACHABLE', message: `cannot reach the relay at ${relayUrl}: ${(error as Error).message}` } as ApiError,
    };
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, status: response.status, error: { code: 'INTERNAL', message: `unexpected answer from relay (${response.status})` } };
  }
  if (!response.ok) return { ok: false, status: response.status, error: parsed as ApiError };
  return { ok: true, value: parsed as T };
}
