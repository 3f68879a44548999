// State 3: the machine's password. One field, clear feedback, the wait when locked.
import { useState, type FormEvent } from 'react';
import { useNow } from '../ui/useNow.js';

export interface PasswordPageProps {
  hostname: string | null;
  status: 'required' | 'wrong' | 'locked';
  lockedUntil: number | null;
  checking: boolean;
  machineOffline: boolean;
  onSubmit: (password: string) => void;
}

export function PasswordPage({ hostname, status, lockedUntil, checking, machineOffline, onSubmit }: PasswordPageProps) {
  const [password, setPassword] = useState('');
  const now = useNow();
  const waitS = lockedUntil ? Math.max(0, Math.ceil((lockedUntil - now) / 1000)) : 0;
  const locked = waitS > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (locked || checking || password === '') return;
    onSubmit(password);
    setPassword('');
  };

  return (
    <main className="page center overlay" data-testid="page-password">
      <form className="card" onSubmit={submit}>
        <h1>{hostname ?? 'This machine'}</h1>
        <p className="muted">This machine asks for a password before opening its terminal.</p>
        <label htmlFor="tl-password">Machine password</label>
        <input
          id="tl-password"
          data-testid="password-input"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={password}
          disabled={locked}
          onChange={(event) => setPassword(event.target.value)}
        />
        {status === 'wrong' && !checking && (
          <p className="error" role="alert" data-testid="password-error">
            {locked ? `Wrong password. Wait ${waitS} s before the next try.` : 'Wrong password. Try again.'}
          </p>
        )}
        {status === 'locked' && (
          <p className="error" role="alert" data-testid="password-error" data-locked={locked ? 'true' : 'false'}>
            {locked ? `Too many wrong passwords. Try again in ${waitS} s.` : 'You can try again now.'}
          </p>
        )}
        {machineOffline && <p className="muted">The machine is offline; waiting for it…</p>}
        <button type="submit" disabled={locked || checking || password === ''}>
          {checking ? 'Checking…' : 'Open terminal'}
        </button>
      </form>
    </main>
  );
}
