// Settings (`/settings/:section`): the user's providers, agent models, the
// instance's prompts, their API key and profile. A side nav on wide screens,
// a scrollable tab row on phones; an unknown section falls back to Providers.
import { Navigate, NavLink, useLocation, useParams } from 'react-router';
import { paths } from '../../lib/routing';
import { PageHeader } from '../../ui';
import { ApiKeySection } from './api-key-section';
import { ModelsSection } from './models-section';
import { ProfileSection } from './profile-section';
import { PromptEditor } from './prompt-editor';
import { PromptsSection } from './prompts-section';
import { ProvidersSection } from './providers-section';

export const SECTIONS = [
  { id: 'providers', label: 'Providers', blurb: 'Connect the model vendors your agents run on.' },
  { id: 'models', label: 'Agent models', blurb: 'Which provider, model and effort each agent role uses.' },
  { id: 'prompts', label: 'Prompts', blurb: 'The instructions every agent starts from.' },
  { id: 'api-key', label: 'API key', blurb: 'A personal key for scripts and CI.' },
  { id: 'profile', label: 'Profile', blurb: 'How agents work with you, your git identity, password and theme.' },
] as const;

type SectionId = (typeof SECTIONS)[number]['id'];

function isSection(s: string | undefined): s is SectionId {
  return SECTIONS.some((x) => x.id === s);
}

export function Component() {
  const { section, '*': rest } = useParams();
  const { state } = useLocation() as { state: { notice?: string } | null };
  if (!isSection(section)) return <Navigate to={paths.settings('providers')} replace />;
  const meta = SECTIONS.find((s) => s.id === section)!;
  return (
    <div>
      <PageHeader title="Settings" />
      <div className="flex flex-col gap-4 md:flex-row md:gap-8">
        <nav aria-label="Settings sections" className="-mx-3 overflow-x-auto px-3 md:mx-0 md:w-48 md:shrink-0 md:overflow-visible md:px-0">
          <ul className="flex flex-wrap gap-1 md:flex-col">
            {SECTIONS.map((s) => (
              <li key={s.id} className="shrink-0">
                <NavLink
                  to={paths.settings(s.id)}
                  className={({ isActive }) =>
                    `block whitespace-nowrap rounded-md px-3 py-1.5 text-sm font-medium ${isActive ? 'bg-indigo-600 text-white' : 'text-stone-700 hover:bg-stone-200'}`
                  }
                >
                  {s.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <section className="min-w-0 flex-1" aria-labelledby="settings-section-title">
          <h2 id="settings-section-title" className="text-xl font-semibold">
            {meta.label}
          </h2>
          <p className="mb-4 text-sm text-stone-600">{meta.blurb}</p>
          {state?.notice && (
            <p role="status" className="mb-3 rounded-md bg-amber-50 p-2 text-sm text-amber-900">
              {state.notice}
            </p>
          )}
          <SectionBody section={section} rest={rest ?? ''} />
        </section>
      </div>
    </div>
  );
}

function SectionBody({ section, rest }: { section: SectionId; rest: string }) {
  switch (section) {
    case 'providers':
      return <ProvidersSection />;
    case 'models':
      return <ModelsSection />;
    case 'prompts':
      return rest ? <PromptEditor key={rest} name={rest} /> : <PromptsSection />;
    case 'api-key':
      return <ApiKeySection />;
    case 'profile':
      return <ProfileSection />;
  }
}
