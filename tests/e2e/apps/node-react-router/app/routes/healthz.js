export function loader() {
  return new Response(`ok uid=${process.getuid()} serve=react-router`);
}
