import { createPinia } from 'pinia';
import { createApp } from 'vue';
import { createWebHistory } from 'vue-router';
import './styles/vant.css';
import './styles/base.css';
import './components/layout.css';
import App from './App.vue';
import { createAppRouter } from './router';

const app = createApp(App);
app.use(createPinia());
app.use(createAppRouter(createWebHistory()));
app.mount('#app');
