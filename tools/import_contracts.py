"""Import-linter contracts the built-in ones cannot express (configured in pyproject.toml, run by
`lint-imports` in `make lint`).

- acyclic_modules: no import cycle between modules, imports inside functions included (grimp sees
  them); a cycle is allowed only between a domain's `tasks` module and other modules of that same
  domain (a service queues its task; the task imports the service inside). The built-in
  acyclic_siblings works on packages, where photos -> people.services.autotag (the pipeline's last step) and
  people.services.history -> photos.services (undo re-indexes) are fine because no module cycle follows.
- domain_boundaries: a domain, or a page (search), imports from another domain only its public modules
  (services, selectors) and the shared ones (indexing.models for every model, the engine's errors):
  never its tasks, pipeline, admin, views or, but from a models module, its models module.
"""

from __future__ import annotations

import sys

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def strongly_connected(nodes: set[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """The groups of two or more modules that import each other, directly or not (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(nodes) + 100))

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    try:
        for node in sorted(nodes):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return groups


def allowed_cycle(group: list[str]) -> bool:
    """A domain's tasks module with modules of that domain only (indexing.<domain>.tasks and its siblings)."""
    tasks = [m for m in group if m.rpartition(".")[2] == "tasks"]
    if len(tasks) != 1:
        return False
    domain = tasks[0].rpartition(".")[0]
    if domain.count(".") < 1:  # a top-level app's tasks module importing every domain is what this forbids
        return False
    return all(m == domain or m.startswith(domain + ".") for m in group)


class AcyclicModulesContract(Contract):
    """No import cycle between the modules of `packages`, except a domain's tasks with its own modules."""

    type_name = "acyclic_modules"

    packages = fields.ListField(subfield=fields.StringField())
    # Cycles known and owned elsewhere, each as "module, module, ...": listed so that any other cycle fails.
    known_cycles = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        roots = tuple(self.packages)  # type: ignore[arg-type]
        nodes = {m for m in graph.modules if m in roots or m.startswith(tuple(r + "." for r in roots))}
        edges = {m: {w for w in graph.find_modules_directly_imported_by(m) if w in nodes} for m in nodes}
        known = {tuple(sorted(m.strip() for m in c.split(","))) for c in (self.known_cycles or [])}
        cycles = [g for g in strongly_connected(nodes, edges) if not allowed_cycle(g) and tuple(g) not in known]
        return ContractCheck(kept=not cycles, warnings=None, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for group in check.metadata["cycles"]:
            output.print_error(f"These {len(group)} modules import each other: {', '.join(group)}")
            output.new_line()


class DomainBoundariesContract(Contract):
    """Between the domains of `container`, and from the `clients` (the pages) into them, imports reach only
    the `public` modules ("<domain>.services", "<domain>.selectors": packages or modules) and the `shared`
    modules (indexing.models, the registry of every model; the engine's errors). The one exception: a
    domain's models module may import another domain's models module (a foreign key needs the class)."""

    type_name = "domain_boundaries"

    container = fields.StringField()
    domains = fields.ListField(subfield=fields.StringField())
    public = fields.ListField(subfield=fields.StringField())
    clients = fields.ListField(subfield=fields.StringField(), required=False)
    shared = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph, verbose: bool) -> ContractCheck:
        container, domains, public = self.container, set(self.domains), set(self.public)  # type: ignore[arg-type]
        clients = tuple(self.clients or [])  # type: ignore[arg-type]
        shared = set(self.shared or [])  # type: ignore[arg-type]
        wrong = []
        for importer in sorted(graph.modules):
            source = _domain_path(importer, container, domains)
            client = _under(importer, clients)
            if source is None and not client:
                continue
            for imported in sorted(graph.find_modules_directly_imported_by(importer)):
                if (
                    client
                    and _under(imported, (container,))
                    and not _client_may_import(imported, container, domains, public, shared)
                ):
                    wrong.append((importer, imported))
                    continue
                target = _domain_path(imported, container, domains)
                if source is None or target is None or target[0] == source[0]:
                    continue
                if ".".join(target[:2]) in public or (source[1:2] == ["models"] and target[1:2] == ["models"]):
                    continue
                wrong.append((importer, imported))
        return ContractCheck(kept=not wrong, warnings=None, metadata={"wrong": wrong})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, imported in check.metadata["wrong"]:
            output.print_error(f"{importer} imports {imported}, which is not public to other domains")
            output.new_line()


def _client_may_import(module: str, container: str, domains: set[str], public: set[str], shared: set[str]) -> bool:
    """A page may import a domain's public modules, the shared modules, and what lies outside the domains
    only when it is shared too (indexing.models, not indexing.face_index)."""
    target = _domain_path(module, container, domains)
    if target is not None:
        return ".".join(target[:2]) in public
    return module == container or _under(module, tuple(shared))


def _under(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _domain_path(module: str, container: str, domains: set[str]) -> list[str] | None:
    """['photos', 'services'] for indexing.photos.services; None outside the domains."""
    parts = module.split(".")
    if len(parts) < 2 or parts[0] != container or parts[1] not in domains:
        return None
    return parts[1:]
