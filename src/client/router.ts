/**
 * Routes and the guard: no session → /login; a signed-in user lands on their role's home and is
 * sent back there from any route their role may not open.
 */
import { createRouter, type Router, type RouterHistory, type RouteRecordRaw } from 'vue-router';
import { consoleRoutes } from './features/console/routes';
import { countyRoutes } from './features/county/routes';
import { fieldRoutes } from './features/field/routes';
import LoginView from './features/auth/LoginView.vue';
import { homeFor } from './routing';
import { useSessionStore } from './stores/session';

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'root', redirect: () => homeFor(useSessionStore().role) },
  { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
  ...fieldRoutes,
  ...consoleRoutes,
  ...countyRoutes,
  { path: '/:unknown(.*)*', redirect: '/' },
];

export function createAppRouter(history: RouterHistory): Router {
  const router = createRouter({ history, routes });

  router.beforeEach((to) => {
    const session = useSessionStore();
    if (to.meta.public) {
      return session.isAuthenticated ? homeFor(session.role) : true;
    }
    if (!session.isAuthenticated) {
      return to.fullPath === '/' ? { name: 'login' } : { name: 'login', query: { redirect: to.fullPath } };
    }
    const role = session.role;
    if (role === null || !to.meta.roles?.includes(role)) return homeFor(role);
    return true;
  });

  return router;
}
