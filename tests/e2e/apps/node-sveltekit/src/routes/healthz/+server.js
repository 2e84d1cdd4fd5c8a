export function GET() {
  const host = process.env.HOST;
  return new Response(`ok uid=${process.getuid()} host=${host} ssr=sveltekit`);
}
