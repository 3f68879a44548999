// The link lookup (`GET <prefix>/api/link`, token in `Authorization: Share …`)
// through react-query: HTTP data only; the stream lives in RelayConnection.
import { useQuery } from '@tanstack/react-query';
import type { ApiError, LinkInfo } from '../../common/protocol.js';
import type { ShareLocation } from '../shareUrl.js';

/** While the machine is offline the page asks again this often. */
export const OFFLINE_REFETCH_MS = 3_000;

/** A failed lookup: HTTP status and the API error body when there was one. */
export class LinkLookupError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError | null,
  ) {
    super(body?.message ?? `link lookup failed (${status})`);
  }
}

export async function fetchLinkInfo(share: ShareLocation, signal?: AbortSignal): Promise<LinkInfo> {
  const response = await fetch(`${share.apiBase}/api/link`, {
    headers: { Authorization: `Share ${share.token}` },
    cache: 'no-store',
    credentials: 'omit',
    referrerPolicy: 'no-referrer',
    signal,
  });
  if (!response.ok) {
    let body: ApiError | null = null;
    try {
      body = (await response.json()) as ApiError;
    } catch {
      body = null;
    }
    throw new LinkLookupError(response.status, body);
  }
  return (await response.json()) as LinkInfo;
}

export function useLinkLookup(share: ShareLocation) {
  return useQuery<LinkInfo, Error>({
    queryKey: ['link'],
    queryFn: ({ signal }) => fetchLinkInfo(share, signal),
    // A 4xx is an answer (unknown, expired, revoked, rate limited), not a glitch: never retry it.
    retry: (failures, error) => !(error instanceof LinkLookupError && error.status < 500) && failures < 3,
    refetchInterval: (query) => (query.state.data?.online === false ? OFFLINE_REFETCH_MS : false),
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    staleTime: Infinity,
  });
}
