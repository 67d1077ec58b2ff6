// The server's sentence for a refused command, announced to screen readers.
export function ErrorLine({ message }: { message: string }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      <span aria-hidden="true">⚠ </span>
      {message}
    </p>
  );
}
