// For tools that read TypeScript without Vue's language service (type-aware ESLint); vue-tsc and
// Vite resolve the real .vue files and never need this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
