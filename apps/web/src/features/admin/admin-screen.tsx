// Admin (`/admin`): users, project memberships, instance settings, the cluster's nodes and model prices. The
// shell hides the link from non-admins and the server guards every admin
// route; a non-admin who opens the page (or whose rights were just removed)
// sees a plain "admins only" state instead of broken panels.
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { isApiError } from '../../lib/api';
import { useMe } from '../../app/session';
import { EmptyState, PageHeader } from '../../ui';
import { ClusterPanel } from './cluster-panel';
import { InstancePanel } from './instance-panel';
import { MembershipsPanel } from './memberships-panel';
import { PricesPanel } from './prices-panel';
import { UsersPanel } from './users-panel';
import { useAdminUsers } from './users';

export function Component() {
  const me = useMe();
  if (!me.isAdmin) return <AdminsOnly />;
  return <AdminScreen />;
}

function AdminsOnly() {
  return (
    <div className="mx-auto max-w-xl" data-testid="admins-only">
      <PageHeader title="Admin" />
      <EmptyState title="Admins only">
        This page is for administrators of this Bottega instance. Ask one if you need an account or access to a project.{' '}
        <Link to="/" className="text-indigo-700 underline">
          Back to projects
        </Link>
      </EmptyState>
    </div>
  );
}

function AdminScreen() {
  const users = useAdminUsers();
  if (isApiError(users.error, 'FORBIDDEN')) return <AdminsOnly />;
  return (
    <div>
      <PageHeader title="Admin" />
      <nav aria-label="Admin sections" className="mb-4 flex flex-wrap gap-x-3 gap-y-1 text-sm">
        <a href="#users" className="whitespace-nowrap text-indigo-700 hover:underline">
          Users
        </a>
        <a href="#memberships" className="whitespace-nowrap text-indigo-700 hover:underline">
          Project memberships
        </a>
        <a href="#instance" className="whitespace-nowrap text-indigo-700 hover:underline">
          Instance settings
        </a>
        <a href="#cluster" className="whitespace-nowrap text-indigo-700 hover:underline">
          Cluster
        </a>
        <a href="#prices" className="whitespace-nowrap text-indigo-700 hover:underline">
          Model prices
        </a>
      </nav>
      <div className="flex flex-col gap-8">
        <Panel id="users" title="Users">
          <UsersPanel />
        </Panel>
        <Panel id="memberships" title="Project memberships">
          <MembershipsPanel />
        </Panel>
        <Panel id="instance" title="Instance settings">
          <InstancePanel />
        </Panel>
        <Panel id="cluster" title="Cluster">
          <ClusterPanel />
        </Panel>
        <Panel id="prices" title="Model prices">
          <PricesPanel />
        </Panel>
      </div>
    </div>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section id={id} aria-labelledby={`${id}-title`} className="scroll-mt-20">
      <h2 id={`${id}-title`} className="mb-3 text-xl font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
