/**
 * Saves a file through the browser's download: a Blob and a temporary <a download> (works in the desktop window and
 * in browser mode alike). Nothing is kept in the page once the download has started.
 */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has its own copy; let the browser start it before the URL goes.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Saves a file the host sent as base64 (a report, a certificate). */
export function downloadBase64(fileName: string, mime: string, base64: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  downloadBlob(fileName, new Blob([bytes], { type: mime }));
}

/** Saves text the host sent (the audit trail's CSV). */
export function downloadText(fileName: string, mime: string, text: string): void {
  downloadBlob(fileName, new Blob([text], { type: mime }));
}
