import type { ConfigFormat } from "./config-entries.js";

/**
 * The parts of a configuration file no test run reads, per format. A change confined to them runs
 * no test by itself. Each is package metadata that neither installing nor importing the package
 * checks, or the settings of a tool that runs outside the test runner (a formatter, linter, type
 * checker, release or changelog tool). Such a tool's part is inert only while the test
 * configuration does not name the tool (see `tool`): `addopts = --mypy` (pytest-mypy) or a
 * `test` script running `eslint` makes its settings part of the tests.
 *
 * Deliberately not inert: `[project]`'s dependencies, `requires-python`, version, readme,
 * license, classifiers and entry points (the build backend validates or uses them, tests may read
 * the version), `[build-system]`, `[tool.pytest.*]`, `[tool.coverage.*]` (`fail_under` fails a
 * run), `[tool.setuptools*]`, `[tool.hatch*]`, `[tool.poetry*]`, `[tool.uv]`, `[tool.tox]`;
 * setup.cfg's `[options*]`, `[tool:pytest]`, `[coverage:*]`; tox's `[tox]`, `[testenv]`;
 * package.json's `scripts`, `dependencies`, `devDependencies`, `jest`, `type`, `exports`, `main`,
 * `browserslist`, `engines`, `packageManager`. Anything not listed is not inert.
 */
export interface InertPart {
  /** Path prefix (TOML, JSON) or section name (INI; a trailing `*` matches any rest). */
  path: readonly string[];
  /** The tool that reads it, when it is a tool's settings: named by the test configuration, the part is not inert. */
  tool?: string;
}

/** Tools whose `[tool.NAME]` in pyproject.toml is theirs alone: formatters, linters, type checkers, release and changelog tools. */
const PYPROJECT_TOOLS = [
  "autopep8",
  "bandit",
  "basedpyright",
  "black",
  "bumpver",
  "bumpversion",
  "check-manifest",
  "codespell",
  "commitizen",
  "docformatter",
  "flake8",
  "gha-update",
  "interrogate",
  "isort",
  "mypy",
  "pydocstyle",
  "pylint",
  "pyright",
  "pyroma",
  "ruff",
  "semantic_release",
  "towncrier",
  "vulture",
  "yapf",
];

/** INI sections of the same kind of tool (setup.cfg, tox.ini), as the tool spells them. */
const INI_TOOL_SECTIONS: readonly [string, string][] = [
  ["flake8", "flake8"],
  ["pycodestyle", "pycodestyle"],
  ["pep8", "pep8"],
  ["pydocstyle", "pydocstyle"],
  ["isort", "isort"],
  ["mypy", "mypy"],
  ["mypy-*", "mypy"],
  ["pylint", "pylint"],
  ["pylint.*", "pylint"],
  ["codespell", "codespell"],
  ["bandit", "bandit"],
  ["yapf", "yapf"],
  ["bumpversion", "bumpversion"],
  ["bumpversion:*", "bumpversion"],
  ["check-manifest", "check-manifest"],
];

/** The inert parts of each format, before the ones a pipeline adds. */
export const INERT_PARTS: Readonly<Record<ConfigFormat, readonly InertPart[]>> = {
  toml: [
    ...["description", "keywords", "authors", "maintainers", "urls"].map((k) => ({ path: ["project", k] })),
    ...PYPROJECT_TOOLS.map((tool) => ({ path: ["tool", tool], tool })),
  ],
  ini: [
    ...INI_TOOL_SECTIONS.map(([section, tool]) => ({ path: [section], tool })),
    // setup.cfg's [metadata] keys that only describe the project
    ...[
      "description",
      "keywords",
      "author",
      "author_email",
      "maintainer",
      "maintainer_email",
      "url",
      "project_urls",
    ].map((k) => ({ path: ["metadata", k] })),
  ],
  json: [
    ...[
      "description",
      "keywords",
      "repository",
      "homepage",
      "bugs",
      "author",
      "contributors",
      "funding",
      "license",
    ].map((k) => ({ path: [k] })),
    ...(
      [
        ["prettier", "prettier"],
        ["eslintConfig", "eslint"],
        ["stylelint", "stylelint"],
        ["lint-staged", "lint-staged"],
        ["commitlint", "commitlint"],
        ["husky", "husky"],
        ["simple-git-hooks", "simple-git-hooks"],
      ] as const
    ).map(([key, tool]) => ({ path: [key], tool })),
    { path: ["publishConfig"] },
  ],
};

/**
 * The inert part a pipeline names (`tests: { inert_config: [...] }`): a dotted TOML path
 * (`tool.towncrier`), an INI section (`my-linter`, `mypy-*`) or a package.json key
 * (`size-limit`); its tool is its last name, so the test configuration naming it still makes it
 * count.
 */
export function userInertPart(format: ConfigFormat, name: string): InertPart {
  const path = format === "toml" ? name.split(".") : [name];
  const tool = path.at(-1)!.replace(/[-:.]\*$/, "");
  return { path, tool };
}

/** Whether `path` (an entry's) lies in `part`. */
export function inPart(format: ConfigFormat, path: readonly string[], part: InertPart): boolean {
  if (format === "ini") {
    const [name] = part.path;
    const section = path[0] ?? "";
    const sectionMatches = name!.endsWith("*") ? section.startsWith(name!.slice(0, -1)) : section === name;
    // a key-level part ([metadata] description) matches that key only, not the section's mark
    return sectionMatches && part.path.slice(1).every((k, i) => path[i + 1] === k);
  }
  return part.path.length <= path.length && part.path.every((k, i) => path[i] === k);
}
