/** The update prompt never reloads over an open form; workbox-window is faked at the module boundary. */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, ref } from 'vue';
import UpdatePrompt from '../../../src/client/pwa/UpdatePrompt.vue';
import { PWA_TEXT } from '../../../src/client/pwa/text';
import { useUpdateHold, useUpdatePrompt } from '../../../src/client/pwa/useUpdatePrompt';

type Listener = () => void;

const fake = vi.hoisted(() => {
  class FakeWorkbox {
    static instances: FakeWorkbox[] = [];
    readonly listeners = new Map<string, Array<() => void>>();
    readonly messageSkipWaiting = vi.fn(() => undefined);
    readonly register = vi.fn(() => Promise.resolve(undefined));
    readonly update = vi.fn(() => Promise.resolve(undefined));
    constructor(
      readonly url: string,
      readonly options: unknown,
    ) {
      FakeWorkbox.instances.push(this);
    }
    addEventListener(type: string, listener: () => void): void {
      this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
    }
    emit(type: string): void {
      for (const l of this.listeners.get(type) ?? []) l();
    }
  }
  return { FakeWorkbox };
});

vi.mock('workbox-window', () => ({ Workbox: fake.FakeWorkbox }));

function workbox() {
  const wb = fake.FakeWorkbox.instances.at(-1);
  if (!wb) throw new Error('no Workbox was created');
  return wb;
}

let reload: ReturnType<typeof vi.fn<Listener>>;

beforeEach(() => {
  setActivePinia(createPinia());
  fake.FakeWorkbox.instances.length = 0;
  reload = vi.fn<Listener>();
  Object.defineProperty(navigator, 'serviceWorker', { value: {}, configurable: true });
});

afterEach(() => {
  delete (navigator as { serviceWorker?: unknown }).serviceWorker;
});

async function registeredWithWaitingVersion() {
  const prompt = useUpdatePrompt();
  await prompt.register({ reload });
  workbox().emit('waiting');
  return prompt;
}

describe('useUpdatePrompt', () => {
  it('registers /sw.js once and offers a waiting version', async () => {
    const prompt = useUpdatePrompt();
    await prompt.register({ reload });
    await prompt.register({ reload });
    expect(fake.FakeWorkbox.instances).toHaveLength(1);
    expect(workbox().url).toBe('/sw.js');
    expect(workbox().register).toHaveBeenCalledOnce();
    expect(prompt.needRefresh).toBe(false);
    workbox().emit('waiting');
    expect(prompt.needRefresh).toBe(true);
  });

  it('does not activate or reload while a form holds updates', async () => {
    const prompt = await registeredWithWaitingVersion();
    const release = prompt.holdUpdates();
    expect(prompt.isHeld).toBe(true);
    expect(prompt.accept()).toBe(false);
    workbox().emit('controlling');
    expect(workbox().messageSkipWaiting).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
    expect(prompt.needRefresh).toBe(true);

    // Releasing does not update by itself either: the user decides.
    release();
    expect(prompt.isHeld).toBe(false);
    expect(workbox().messageSkipWaiting).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();
  });

  it('activates the waiting version and reloads once it controls the page, after release', async () => {
    const prompt = await registeredWithWaitingVersion();
    const release = prompt.holdUpdates();
    release();
    expect(prompt.accept()).toBe(true);
    expect(workbox().messageSkipWaiting).toHaveBeenCalledOnce();
    expect(reload).not.toHaveBeenCalled();
    workbox().emit('controlling');
    expect(reload).toHaveBeenCalledOnce();
  });

  it('counts holds: one release does not free another form, and a release is idempotent', async () => {
    const prompt = await registeredWithWaitingVersion();
    const a = prompt.holdUpdates();
    const b = prompt.holdUpdates();
    a();
    a();
    expect(prompt.isHeld).toBe(true);
    expect(prompt.accept()).toBe(false);
    b();
    expect(prompt.isHeld).toBe(false);
  });

  it('refuses to accept when nothing is waiting', async () => {
    const prompt = useUpdatePrompt();
    await prompt.register({ reload });
    expect(prompt.accept()).toBe(false);
    expect(workbox().messageSkipWaiting).not.toHaveBeenCalled();
  });
});

describe('useUpdateHold', () => {
  const Form = defineComponent({
    setup() {
      const active = ref(true);
      useUpdateHold(active);
      return { active };
    },
    render: () => h('form'),
  });

  it('holds while the component is mounted and active', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const prompt = useUpdatePrompt();
    const wrapper = mount(Form, { global: { plugins: [pinia] } });
    expect(prompt.isHeld).toBe(true);
    (wrapper.vm as unknown as { active: boolean }).active = false;
    await flushPromises();
    expect(prompt.isHeld).toBe(false);
    (wrapper.vm as unknown as { active: boolean }).active = true;
    await flushPromises();
    expect(prompt.isHeld).toBe(true);
    wrapper.unmount();
    expect(prompt.isHeld).toBe(false);
  });
});

describe('UpdatePrompt.vue', () => {
  async function mountPrompt() {
    const pinia = createPinia();
    setActivePinia(pinia);
    const prompt = await registeredWithWaitingVersion();
    const wrapper = mount(UpdatePrompt, { global: { plugins: [pinia] } });
    await flushPromises();
    return { prompt, wrapper };
  }

  it('shows nothing until a new version waits', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const wrapper = mount(UpdatePrompt, { global: { plugins: [pinia] } });
    await flushPromises();
    expect(wrapper.text()).toBe('');
    // Component tests are not production builds: nothing was registered.
    expect(fake.FakeWorkbox.instances).toHaveLength(0);
  });

  it('offers the update and reloads after the user taps, when no form is open', async () => {
    const { wrapper } = await mountPrompt();
    expect(wrapper.text()).toContain(PWA_TEXT.newVersion);
    await wrapper.get('[data-test="update-accept"]').trigger('click');
    expect(workbox().messageSkipWaiting).toHaveBeenCalledOnce();
    workbox().emit('controlling');
    expect(reload).toHaveBeenCalledOnce();
  });

  it('still shows 有新版本 over an open visit, but the button is disabled and says why', async () => {
    const { prompt, wrapper } = await mountPrompt();
    const release = prompt.holdUpdates();
    await flushPromises();
    expect(wrapper.text()).toContain(PWA_TEXT.newVersion);
    const button = wrapper.get('[data-test="update-accept"]');
    expect(button.text()).toContain(PWA_TEXT.held);
    expect(button.attributes('disabled')).toBeDefined();
    await button.trigger('click');
    workbox().emit('controlling');
    expect(workbox().messageSkipWaiting).not.toHaveBeenCalled();
    expect(reload).not.toHaveBeenCalled();

    release();
    await flushPromises();
    expect(button.text()).toContain(PWA_TEXT.update);
    expect(button.attributes('disabled')).toBeUndefined();
  });

  it('can be dismissed for now', async () => {
    const { wrapper } = await mountPrompt();
    await wrapper.get('[data-test="update-later"]').trigger('click');
    expect(wrapper.text()).toBe('');
    expect(reload).not.toHaveBeenCalled();
  });
});
