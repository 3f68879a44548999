// React's view of a RelayConnection: its state through useSyncExternalStore.
import { useSyncExternalStore } from 'react';
import type { ConnectionState } from './connectionState.js';
import type { RelayConnection } from './RelayConnection.js';

export function useConnection(connection: RelayConnection): ConnectionState {
  return useSyncExternalStore(connection.subscribe, connection.getState);
}
