// Share links and operator keys as the product spec defines them: mint, look up,
// list, revoke, expire (exactly, on live sessions too) and the hourly sweep.
// All answers are values (ok / error code); HTTP and WebSocket layers map them.
import { resolveMachineRef } from '../common/machineRef.js';
import { EndReason, ErrorCode, LinkProblem, TokenPrefix, type MintedShare } from '../common/protocol.js';
import { expiryFor, msUntilNextHour } from '../common/ttl.js';
import type { Logger } from '../platform/log.js';
import { hashSecret, newSecret, tokenPrefix } from '../platform/secrets.js';
import type { Clock } from './clock.js';
import type { Cluster } from './cluster.js';
import type { HubRegistry } from './registry.js';
import type { MachineRow, ShareWithMachine, Store } from './store.js';

export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string; reason?: LinkProblem; expiredAt?: string; candidates?: string[] };

const fail = <T>(code: ErrorCode, message: string, extra: Partial<Result<T>> = {}): Result<T> =>
  ({ ok: false, code, message, ...extra }) as Result<T>;

export interface Operator {
  workspaceId: string;
  keyId: string;
}

export interface ShareListing {
  id: string;
  token_prefix: string;
  machine_id: string;
  hostname: string;
  read_only: boolean;
  created_at: string;
  expires_at: string | null;
  never_expires: boolean;
  attached: number;
}

/** Epoch ms as the API's ISO time; null stays null (never expires / never happened). */
export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Largest setTimeout delay; longer expiries are re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class LinkService {
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly hubs: HubRegistry,
    private readonly clock: Clock,
    private readonly publicUrl: () => string,
    private readonly log: Logger,
    /** Cluster mode: tell other relays about revocations, and sum attach counts over relays. */
    private readonly cluster: Cluster | null = null,
  ) {
    clock.onJump(() => this.recheckAll());
  }

  // ------------------------------------------------------------------ operators

  async operatorByKey(key: string): Promise<Operator | null> {
    if (!key.startsWith(TokenPrefix.operatorKey)) return null;
    const row = await this.store.apiKeyByHash(hashSecret(key));
    return row ? { workspaceId: row.workspace_id, keyId: row.id } : null;
  }

  async resolveMachine(operator: Operator, ref: string): Promise<Result<MachineRow>> {
    const machines = await this.store.machinesInWorkspace(operator.workspaceId);
    const found = resolveMachineRef(ref, machines);
    if (found.ok) return { ok: true, value: found.machine };
    return fail(found.code === 'AMBIGUOUS' ? ErrorCode.AMBIGUOUS : ErrorCode.NOT_FOUND, found.message, {
      candidates: found.candidates.map((m) => m.hostname),
    });
  }

  async machines(operator: Operator) {
    return (await this.store.machinesInWorkspace(operator.workspaceId)).map((m) => ({
      id: m.id,
      hostname: m.hostname,
      online: this.hubs.get(m.id)?.online ?? false,
      attached: this.hubs.get(m.id)?.viewerCount() ?? 0,
      last_seen_at: iso(m.last_seen_at),
    }));
  }

  // --------------------------------------------------------------------- shares

  async mint(operator: Operator, hostRef: string, ttlHours: number, readOnly: boolean): Promise<Result<MintedShare>> {
    const machine = await this.resolveMachine(operator, hostRef);
    if (!machine.ok) return machine;
    const token = newSecret(TokenPrefix.share);
    const now = this.clock.now();
    const expiresAt = expiryFor(now, ttlHours);
    const row = await this.store.createShare(
      {
        workspaceId: operator.workspaceId,
        machineId: machine.value.id,
        tokenHash: hashSecret(token),
        tokenPrefix: tokenPrefix(token),
        readOnly,
        expiresAt: expiresAt === null ? null : Date.parse(expiresAt),
      },
      now,
    );
    this.armExpiry(row.id, row.expires_at);
    this.log.info('share minted', { share: row.id, machine: machine.value.id, expires_at: expiresAt, read_only: readOnly });
    return {
      ok: true,
      value: {
        url: `${this.publicUrl()}/share/${token.slice(TokenPrefix.share.length)}`,
        token,
        machine_id: machine.value.id,
        expires_at: expiresAt,
      },
    };
  }

  /** Check a share token: the link when it works now, else why not. Accepts the token with or without `shr_`. */
  async check(token: string): Promise<Result<ShareWithMachine>> {
    const full = token.startsWith(TokenPrefix.share) ? token : TokenPrefix.share + token;
    if (!/^shr_[A-Za-z0-9_-]{16,100}$/.test(full)) {
      return fail(ErrorCode.UNAUTHENTICATED, 'This link is not valid.', { reason: LinkProblem.unknown });
    }
    const share = await this.store.shareByTokenHash(hashSecret(full));
    if (!share) {
      return fail(ErrorCode.UNAUTHENTICATED, 'This link is not valid.', { reason: LinkProblem.unknown });
    }
    if (share.revoked_at !== null) {
      return fail(ErrorCode.UNAUTHENTICATED, 'This link was revoked.', { reason: LinkProblem.revoked });
    }
    if (share.expires_at !== null && share.expires_at <= this.clock.now()) {
      return fail(ErrorCode.UNAUTHENTICATED, 'This link has expired.', {
        reason: LinkProblem.expired,
        expiredAt: iso(share.expires_at) ?? undefined,
      });
    }
    return { ok: true, value: share };
  }

  async list(operator: Operator, hostRef?: string): Promise<Result<ShareListing[]>> {
    let machineId: string | undefined;
    if (hostRef) {
      const machine = await this.resolveMachine(operator, hostRef);
      if (!machine.ok) return machine;
      machineId = machine.value.id;
    }
    const rows = await this.store.activeShares(operator.workspaceId, this.clock.now(), machineId);
    const clusterCounts = this.cluster ? await this.cluster.attachedTotals() : null;
    return {
      ok: true,
      value: rows.map((s) => ({
        id: s.id,
        token_prefix: s.token_prefix,
        machine_id: s.machine_id,
        hostname: s.hostname,
        read_only: s.read_only === 1,
        created_at: iso(s.created_at)!,
        expires_at: iso(s.expires_at),
        never_expires: s.expires_at === null,
        attached: clusterCounts ? (clusterCounts.get(s.id) ?? 0) : (this.hubs.get(s.machine_id)?.viewerCount(s.id) ?? 0),
      })),
    };
  }

  /**
   * The one share `ref` names in this workspace: its id, its token (as minted, or as the
   * body or whole URL a guest was sent), or a unique prefix of the id or token.
   */
  private async findShare(operator: Operator, ref: string, includeEnded: boolean): Promise<Result<ShareWithMachine>> {
    const given = ref.trim();
    const wanted = shareRefToken(given);
    if (wanted.length < 3) return fail(ErrorCode.BAD_REQUEST, 'give a share id, token, link, or a prefix of at least 3 characters');
    let matches: ShareWithMachine[];
    if (/^shr_[A-Za-z0-9_-]{20,}$/.test(wanted)) {
      const share = await this.store.shareByTokenHash(hashSecret(wanted));
      matches = share && share.workspace_id === operator.workspaceId ? [share] : [];
    } else {
      matches = await this.store.sharesByPrefix(operator.workspaceId, wanted, includeEnded);
    }
    if (!includeEnded && matches.length === 1 && matches[0].revoked_at !== null) {
      return fail(ErrorCode.NOT_FOUND, `${matches[0].id} was already revoked at ${iso(matches[0].revoked_at)}`);
    }
    if (matches.length === 0) return fail(ErrorCode.NOT_FOUND, `no ${includeEnded ? '' : 'active '}share matches "${given}"`);
    if (matches.length > 1) {
      return fail(ErrorCode.AMBIGUOUS, `"${given}" matches ${matches.length} shares: ${matches.map((m) => m.id).join(', ')}`, {
        candidates: matches.map((m) => m.id),
      });
    }
    return { ok: true, value: matches[0] };
  }

  /** Revoke by id, token, link, or a unique prefix; ends live sessions at once. */
  async revoke(operator: Operator, ref: string): Promise<Result<{ id: string; ended_sessions: number }>> {
    const found = await this.findShare(operator, ref, false);
    if (!found.ok) return found;
    const share = found.value;
    await this.store.revokeShare(share.id, this.clock.now());
    this.disarmExpiry(share.id);
    const message = 'This link was revoked by the person who shared it.';
    const ended = this.hubs.endLink(share.machine_id, share.id, EndReason.revoked, message);
    await this.cluster?.publishLinkEnded(share.id, EndReason.revoked, message);
    this.log.info('share revoked', { share: share.id, ended_sessions: ended });
    return { ok: true, value: { id: share.id, ended_sessions: ended } };
  }

  /** Who attached through a share (ended ones too), by the same references as revoke. */
  async history(operator: Operator, ref: string) {
    const found = await this.findShare(operator, ref, true);
    if (!found.ok) return found;
    const share = found.value;
    return {
      ok: true as const,
      value: (await this.store.attachHistory(share.id)).map((a) => ({
        kind: a.kind,
        client_addr: a.client_addr,
        user_agent: a.user_agent,
        attached_at: iso(a.attached_at),
        detached_at: iso(a.detached_at),
      })),
    };
  }

  // --------------------------------------------------------------------- expiry

  /** Arm timers for every live link (at relay start) and the hourly sweep. */
  async start(): Promise<void> {
    await this.armAll();
    this.scheduleSweep();
  }

  stop(): void {
    for (const timer of this.expiryTimers.values()) clearTimeout(timer);
    this.expiryTimers.clear();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
  }

  /** A viewer attached through this link: make sure its expiry is armed (e.g. after a restart). */
  watch(share: ShareWithMachine): void {
    if (!this.expiryTimers.has(share.id)) this.armExpiry(share.id, share.expires_at);
  }

  private armExpiry(shareId: string, expiresAt: number | null): void {
    if (expiresAt === null) return;
    this.disarmExpiry(shareId);
    const delay = expiresAt - this.clock.now();
    const timer = setTimeout(() => {
      this.expiryTimers.delete(shareId);
      if (this.clock.now() >= expiresAt) this.expire(shareId);
      else this.armExpiry(shareId, expiresAt); // woke early (long timers are capped)
    }, Math.min(Math.max(0, delay), MAX_TIMER_MS));
    timer.unref();
    this.expiryTimers.set(shareId, timer);
  }

  private disarmExpiry(shareId: string): void {
    const timer = this.expiryTimers.get(shareId);
    if (timer) clearTimeout(timer);
    this.expiryTimers.delete(shareId);
  }

  private expire(shareId: string): void {
    const ended = this.hubs.endLinkAnywhere(shareId, EndReason.expired, 'This link has expired.');
    if (ended > 0) this.log.info('share expired with live sessions', { share: shareId, ended_sessions: ended });
  }

  /** The clock jumped (test clock): re-arm every timer against the new now. */
  private recheckAll(): void {
    for (const id of [...this.expiryTimers.keys()]) this.disarmExpiry(id);
    void this.armAll();
    this.scheduleSweep();
  }

  private async armAll(): Promise<void> {
    for (const share of await this.store.expiringShares()) this.armExpiry(share.id, share.expires_at);
  }

  /** Soft-delete expired links on every hour boundary. */
  private scheduleSweep(): void {
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(async () => {
      try {
        const swept = await this.store.sweepExpired(this.clock.now());
        if (swept > 0) this.log.info('hourly sweep', { soft_deleted: swept });
      } catch (error) {
        this.log.error('hourly sweep failed', { error });
      }
      this.scheduleSweep();
    }, msUntilNextHour(this.clock.now()) + 50);
    this.sweepTimer.unref();
  }

  sweepNow(): Promise<number> {
    return this.store.sweepExpired(this.clock.now());
  }
}

/** A share link or the token body copied out of one, as the token; anything else unchanged. */
export function shareRefToken(ref: string): string {
  const inUrl = /\/share\/([A-Za-z0-9_-]{20,200})\/?(?:[?#].*)?$/.exec(ref);
  if (inUrl) return TokenPrefix.share + inUrl[1];
  // A bare token body is long and has no prefix; ids (s_…) and token prefixes (shr_…) keep theirs.
  if (/^[A-Za-z0-9_-]{24,200}$/.test(ref) && !ref.startsWith('s_') && !ref.startsWith(TokenPrefix.share)) return TokenPrefix.share + ref;
  return ref;
}
