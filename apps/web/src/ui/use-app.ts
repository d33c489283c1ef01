// ui/'s read-only view of the app store: `useApp` selects single values (or use useShallow) for
// React, and `readApp`/`subscribeApp` serve canvases that redraw at frame rate outside React
// renders. The state holds no setters; changes go through actions/.
import { useStore } from 'zustand';
import { type AppState, appStore } from '../model/app-store.ts';

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}

export function readApp(): AppState {
  return appStore.getState();
}

export function subscribeApp(listener: (state: AppState, prev: AppState) => void): () => void {
  return appStore.subscribe(listener);
}
