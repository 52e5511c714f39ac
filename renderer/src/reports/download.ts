/**
 * Saves a file the host sent as base64 (a report, a certificate) through the browser's download: a Blob and a
 * temporary <a download>. Nothing is kept in the page once the download has started.
 */
export function downloadBase64(fileName: string, mime: string, base64: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
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
