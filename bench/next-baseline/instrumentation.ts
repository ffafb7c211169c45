// Turbopack gives a nested project without its own instrumentation.ts the
// repository's (the app's Node guard): the baseline measures bare Next.
export function register(): void {}
