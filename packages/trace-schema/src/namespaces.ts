// socket.io namespace names, in a module of their own so a browser can import them without the
// compiled validators that socket-events.ts builds at load.

/** socket.io namespace that agents stream to. */
export const INGEST_NAMESPACE = '/ingest';
/** socket.io namespace that browsers watch. */
export const UI_NAMESPACE = '/ui';
