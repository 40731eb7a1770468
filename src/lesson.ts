/**
 * The lesson page's composition root (lesson.html): reads `location` and mounts one of
 *   lesson.html                              the list of lessons, with the learner's progress
 *   lesson.html?lesson=<id>                  the lesson player beside the playground's panes
 *   lesson.html?lesson=<id>&print=1          the lesson as a printable handout
 *   lesson.html?lesson=<id>&follow=<channel>#key=<key>  an audience window following a presenter
 *   lesson.html?follow=<channel>#key=<key>              an audience window following the playground's Present
 *   lesson.html?lesson=<id>&present=<channel>#key=<key> the presenter, after a reload while presenting
 * (the key is the presentation's secret: src/ui/follow/channel.ts)
 *   &editor=plain / &e2e=1                   as on the playground (src/main.ts)
 */
import { mount } from 'svelte';
import { Prefs } from './ui/Prefs.svelte';
import { LESSONS, lessonById } from './ui/lessons/source';
import LessonList from './ui/lessons/LessonList.svelte';
import LessonPage from './ui/lessons/LessonPage.svelte';
import Handout from './ui/lessons/Handout.svelte';
import Audience from './ui/follow/Audience.svelte';
import WorkspaceAudience from './ui/follow/WorkspaceAudience.svelte';
import { isChannelId, keyFromHash, presentationUrl, type Presentation } from './ui/follow/channel';
import { framedByAnotherOrigin, showFramedNotice } from './framed';
import { handleChunkErrors } from './chunks';
import './ui/app.css';

// a lazy chunk that fails to load (a release deployed while this page was open) reloads the page, once
handleChunkErrors({ reload: () => location.reload() });

const params = new URLSearchParams(location.search);

/** the full address of a lesson on this site, for the printed handout and the audience window */
function lessonUrl(id: string): string {
  const u = new URL(location.href);
  u.search = '';
  u.hash = '';
  u.searchParams.set('lesson', id);
  return u.toString();
}

const target = document.getElementById('app');
if (!target) throw new Error('lesson.html has no #app element');

const id = params.get('lesson');
const lesson = id ? lessonById(id) : undefined;
const prefs = new Prefs();
const follow = params.get('follow');
const present = params.get('present');
const key = keyFromHash(location.hash);
/** the presentation named by ?follow= or ?present= and the key in the fragment (none without a key) */
const presentation = (channel: string): Presentation | undefined => (key ? { id: channel, key } : undefined);

/** the page itself: the list, a lesson, its handout, or an audience window */
function start(target: HTMLElement): void {
  if (!id && isChannelId(follow)) {
    mount(WorkspaceAudience, { target, props: { prefs, presentation: presentation(follow) } });
  } else if (!lesson) {
    document.title = 'Lessons · KMS Grant Playground';
    mount(LessonList, { target, props: { lessons: LESSONS, problem: id ? `There is no lesson called “${id}”. Pick one below.` : undefined } });
  } else {
    document.title = `${lesson.title} · Lessons · KMS Grant Playground`;
    if (params.get('print') === '1') mount(Handout, { target, props: { lesson, url: lessonUrl(lesson.id) } });
    else if (isChannelId(follow)) mount(Audience, { target, props: { lesson, prefs, presentation: presentation(follow) } });
    else {
      document.documentElement.classList.toggle('presenter', prefs.presenter);
      const rich = params.get('editor') !== 'plain';
      mount(LessonPage, {
        target,
        props: {
          lesson,
          prefs,
          e2e: params.get('e2e') === '1',
          rich,
          present: isChannelId(present) ? presentation(present) : undefined,
          url: lessonUrl(lesson.id),
          // a reload of the presenter's window keeps presenting: the channel in the query, the key in the fragment
          onpresent: (p: Presentation) => history.replaceState(history.state, '', presentationUrl(location.href, 'present', p)),
        },
      });
    }
  }
}

// inside another site's frame the lessons do not run: a link opens them in a tab instead (src/framed.ts)
if (framedByAnotherOrigin()) showFramedNotice(target, location.href, 'The KMS Grant Playground’s lessons');
else start(target);
