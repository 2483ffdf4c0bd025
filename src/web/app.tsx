/** The dashboard shell: the login gate, the navigation and the view of the current path. */
import { useEffect, useState } from "react";
import { getToken, setToken } from "./api.js";
import { Link, usePath } from "./router.js";
import { AgentsView } from "./views/agents-view.js";
import { DeploymentsView } from "./views/deployments-view.js";
import { IncidentView } from "./views/incident-view.js";
import { IncidentsView } from "./views/incidents-view.js";
import { LoginView } from "./views/login-view.js";
import { ModelView } from "./views/model-view.js";
import { ModelsView } from "./views/models-view.js";
import { OverviewView } from "./views/overview-view.js";
import { PullRequestView } from "./views/pull-request-view.js";
import { RolloutView } from "./views/rollout-view.js";
import { RunView } from "./views/run-view.js";
import { RunsView } from "./views/runs-view.js";
import { ServiceView } from "./views/service-view.js";
import { ServicesView } from "./views/services-view.js";
import { TestSelectionView } from "./views/test-selection-view.js";
import { TestsView } from "./views/tests-view.js";

const NAV = [
  { href: "/", label: "Overview" },
  { href: "/runs", label: "Runs" },
  { href: "/agents", label: "Agents" },
  { href: "/deployments", label: "Deployments" },
  { href: "/services", label: "Services" },
  { href: "/incidents", label: "Incidents" },
  { href: "/tests", label: "Tests" },
  { href: "/models", label: "Models" },
];

/** The whole dashboard. */
export function App() {
  const [token, setTokenState] = useState(getToken());
  const path = usePath();
  useEffect(() => {
    const update = () => setTokenState(getToken());
    window.addEventListener("pitcrew:token", update);
    return () => window.removeEventListener("pitcrew:token", update);
  }, []);
  if (!token) return <LoginView />;
  const current = NAV.filter((n) => (n.href === "/" ? path === "/" : path.startsWith(n.href))).at(-1);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header>
        <nav aria-label="main">
          <strong className="brand">pitcrew</strong>
          {NAV.map((n) => (
            <Link key={n.href} href={n.href} aria-current={n === current ? "page" : undefined}>
              {n.label}
            </Link>
          ))}
          <button type="button" className="link" onClick={() => setToken(null)}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page path={path} />
      </main>
    </>
  );
}

function Page({ path }: { path: string }) {
  const [, section, id, sub] = path.split("/");
  if (section === "pulls" && id && sub) {
    return <PullRequestView key={path} repo={decodeURIComponent(id)} number={Number(sub)} />;
  }
  if (section === "models") {
    if (id && sub) {
      return (
        <ModelView
          key={path}
          owner={{ kind: "project", name: decodeURIComponent(id) }}
          model={decodeURIComponent(sub)}
        />
      );
    }
    return <ModelsView key={path} project={id ? decodeURIComponent(id) : undefined} />;
  }
  if (section === "tests") {
    const selection = path.split("/")[4];
    if (id && sub === "selections" && selection)
      return <TestSelectionView key={path} project={decodeURIComponent(id)} id={Number(selection)} />;
    return <TestsView key={path} project={id ? decodeURIComponent(id) : undefined} />;
  }
  const n = Number(id);
  if (!section) return <OverviewView />;
  if (section === "runs") return id ? <RunView key={n} id={n} /> : <RunsView />;
  if (section === "agents") return <AgentsView />;
  if (section === "deployments") return <DeploymentsView />;
  if (section === "rollouts" && id) return <RolloutView key={n} id={n} />;
  if (section === "incidents") return id ? <IncidentView key={n} id={n} /> : <IncidentsView />;
  if (section === "services") {
    const model = path.split("/")[4];
    if (id && sub === "models" && model) {
      return (
        <ModelView
          key={path}
          owner={{ kind: "service", name: decodeURIComponent(id) }}
          model={decodeURIComponent(model)}
        />
      );
    }
    return id ? <ServiceView key={id} name={decodeURIComponent(id)} /> : <ServicesView />;
  }
  return (
    <p className="error" role="alert">
      No page at {path}. <Link href="/">Go to the overview</Link>.
    </p>
  );
}
