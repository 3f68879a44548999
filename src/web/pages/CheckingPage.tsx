// State 1: checking the link. A quiet spinner and the product name, nothing else.
export function CheckingPage({ label = 'checking the link…', testId = 'page-checking' }: { label?: string; testId?: string }) {
  return (
    <main className="page center" data-testid={testId} aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <h1 className="product">termlink</h1>
      <p className="muted">{label}</p>
    </main>
  );
}
