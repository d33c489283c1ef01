// Hands a file built elsewhere (the trace worker's export) to the browser's download, through a
// short-lived object URL.

/** Starts the download of `blob` as `fileName`. */
export function saveFile(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // Some browsers resolve the URL after the click's task; FileSaver.js waits 40 s for the same reason.
    setTimeout(() => URL.revokeObjectURL(url), 40_000);
  }
}
