// React binding of the app store: components select single values (or use useShallow).
import { useStore } from 'zustand';
import { type AppState, appStore } from '../model/app-store.ts';

export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(appStore, selector);
}
