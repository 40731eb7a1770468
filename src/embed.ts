/**
 * The embeddable player's composition root (embed.html, for an iframe in docs; docs/embed.md):
 *   embed.html#s=<encoded scenario>   a shared scenario (src/scenario/codec.ts); the fragment never reaches a server
 *   embed.html?lesson=<id>            a built-in lesson
 * A link that cannot be read shows why, inline; nothing is saved.
 */
import { mount } from 'svelte';
import { scenarioFromHash, encodeScenario, HASH_PARAM, type DecodeError } from './scenario/codec';
import type { Scenario } from './scenario/format';
import EmbedApp from './ui/embed/EmbedApp.svelte';
import EmbedError from './ui/embed/EmbedError.svelte';
import { lessonById } from './ui/lessons/source';
import type { LessonInfo } from './ui/lessons/model';
import { handleChunkErrors } from './chunks';
import './ui/app.css';

// a lazy chunk that fails to load (a release deployed while this page was open) reloads the page, once
handleChunkErrors({ reload: () => location.reload() });

const target = document.getElementById('app');
if (!target) throw new Error('embed.html has no #app element');
document.documentElement.classList.add('embedded');

const params = new URLSearchParams(location.search);
const lessonId = params.get('lesson');
const fromHash = scenarioFromHash(location.hash);

/** the playground (index.html next to this page) opening `encoded` */
function playgroundUrl(encoded: string): string {
  return new URL(`./index.html#${HASH_PARAM}=${encoded}`, location.href).toString();
}

const MESSAGES: Record<DecodeError, string> = {
  'bad-encoding': 'The link is damaged: its scenario is not in the expected encoding.',
  'bad-compression': 'The link is damaged: its scenario could not be decompressed.',
  'too-large': 'The scenario in this link is too large to open.',
  'bad-json': 'The link is damaged: its scenario is not valid JSON.',
  'unknown-version': 'The scenario in this link was made by a different version of the playground.',
  'bad-shape': 'The link holds something that is not a valid scenario.',
};

if (fromHash) {
  if (fromHash.ok) {
    const s = fromHash.scenario as Scenario & { description?: string };
    const lesson: LessonInfo = { id: 'shared', title: s.title ?? 'A KMS grant scenario', summary: s.description ?? '', scenario: s };
    const encoded = location.hash.slice(1).split('&').find((p) => p.startsWith(`${HASH_PARAM}=`))?.slice(HASH_PARAM.length + 1) ?? '';
    mount(EmbedApp, { target, props: { lesson, playgroundUrl: playgroundUrl(encoded) } });
  } else {
    mount(EmbedError, { target, props: { message: MESSAGES[fromHash.error], error: fromHash.error, detail: fromHash.detail } });
  }
} else if (lessonId) {
  const lesson = lessonById(lessonId);
  if (!lesson) mount(EmbedError, { target, props: { message: `There is no lesson called “${lessonId}”.`, error: 'unknown-lesson', detail: '' } });
  else {
    let url: string | undefined;
    let problem: string | undefined;
    try {
      url = playgroundUrl(encodeScenario(lesson.scenario as unknown as Scenario));
    } catch {
      // a lesson the share format cannot carry yet: the lesson page still can
      url = new URL(`./lesson.html?lesson=${encodeURIComponent(lesson.id)}`, location.href).toString();
      problem = undefined;
    }
    mount(EmbedApp, { target, props: { lesson, playgroundUrl: url, playgroundProblem: problem } });
  }
} else {
  mount(EmbedError, {
    target,
    props: { message: 'This embed shows nothing yet: give it a scenario as embed.html#s=… or a lesson as embed.html?lesson=<id>.', error: 'no-scenario', detail: '' },
  });
}
