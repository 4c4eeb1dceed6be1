// Saves text or a canvas as a file through a temporary <a download> link (works in Electron and the browser).
export function downloadText(filename: string, text: string, type = 'text/plain'): void {
  downloadUrl(filename, URL.createObjectURL(new Blob([text], { type })));
}

export function downloadCanvas(filename: string, canvas: HTMLCanvasElement): void {
  downloadUrl(filename, canvas.toDataURL('image/png'));
}

function downloadUrl(filename: string, url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  if (url.startsWith('blob:')) setTimeout(() => URL.revokeObjectURL(url), 1000);
}
