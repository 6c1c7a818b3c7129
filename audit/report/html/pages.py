"""Write a letter's page: where the letter was audited (drafts.PageKeeper), and again after the
batch when its findings changed (the batch rules added some, the baseline accepted some)."""
from __future__ import annotations


from ...atomic import write_text
from ...models import LetterResult
from ...workers import Limits, guarded_map
from .drafts import Drafts, ReportPlan, failed_draft
from .letter_page import PageJob, letter_page
from .render import environment
from .views import PageDraft


def write_page(plan: ReportPlan, k: int, result: LetterResult, accepted: tuple[bool, ...],
               prints: tuple[str, ...], draft: PageDraft | None) -> None:
    """Write the page of the k-th letter of the batch (0-based)."""
    job = PageJob(k + 1, len(plan.hrefs), result, accepted, prints, plan.shown_paths[k], plan.hrefs[k],
                  plan.link(k - 1), plan.link(k + 1), plan.report_id, plan.hints)
    template = environment().get_template("letter.html")
    try:
        html = template.render(page=letter_page(job, draft), static="../static", home="../index.html")
    except Exception as exc:  # a bug must not stop the report: the page still lists the findings
        bare = failed_draft(draft.template if draft else None, draft.field_types if draft else {}, exc)
        html = template.render(page=letter_page(job, bare), static="../static", home="../index.html")
    write_text(plan.out_dir / plan.hrefs[k], html)  # a link planted where the page goes is replaced


Rewrite = tuple[int, LetterResult, tuple[bool, ...], tuple[str, ...]]  # k, result, accepted, fingerprints


def rewrite_pages(plan: ReportPlan, drafts: Drafts, rewrites: list[Rewrite]) -> None:
    """Write again the pages whose findings changed after the batch, from their drafts, in
    worker processes; a page whose worker fails is written here, listing its findings."""
    def overrun(item: Rewrite, why) -> None:
        k, result, accepted, prints = item
        bare = failed_draft(None, {}, RuntimeError(f"the process writing the page stopped ({why.kind} {why.detail})"))
        write_page(plan, k, result, accepted, prints, bare)

    for _ in guarded_map(_rewrite_in_worker, rewrites, _start_worker, (plan, drafts), Limits(), overrun):
        pass


def _rewrite(plan: ReportPlan, drafts: Drafts, item: Rewrite) -> None:
    k, result, accepted, prints = item
    write_page(plan, k, result, accepted, prints, drafts.load(result.path))


_worker: tuple[ReportPlan, Drafts] | None = None


def _start_worker(plan: ReportPlan, drafts: Drafts) -> None:
    global _worker
    _worker = (plan, drafts)


def _rewrite_in_worker(item: Rewrite) -> None:
    _rewrite(*_worker, item)
