"""Checks and steps shared by the browser tests of the gallery."""

from __future__ import annotations

from pathlib import Path

from tests.factories import indexed_photos


def assert_accessible(page) -> None:
    """Every image has an alt attribute and every visible field a label (or an aria-label)."""
    problems = page.evaluate("""() => [
        ...[...document.querySelectorAll('img:not([alt])')].map(i => 'no alt: ' + i.src),
        ...[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(f => !f.labels.length && !f.getAttribute('aria-label')).map(f => 'no label: ' + f.name),
        ...[...document.querySelectorAll('a.facebox')].filter(a => !a.getAttribute('aria-label'))
            .map(a => 'facebox without aria-label: ' + a.href),
    ]""")
    assert problems == [], problems


def tab_to(page, selector: str, presses: int = 40) -> None:
    """Press Tab until the focused element matches `selector` (it must be reachable by keyboard)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}


def axe_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (none is the goal)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make test` installs it (npm install axe-core@4)")
    if not page.evaluate("() => !!window.axe"):
        page.evaluate(AXE.read_text())  # evaluated through the DevTools protocol: the page's CSP stays on
    return page.evaluate("""async () => {
        const result = await axe.run(document, { resultTypes: ["violations"] });
        return result.violations.filter(v => ["serious", "critical"].includes(v.impact))
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | ")}`);
    }""")


def sideways_overflow(page) -> int:
    """How many CSS pixels the page is wider than the screen (0: no sideways scroll)."""
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def signed_in_page(browser, live_server, username: str, password: str, size: dict):
    """A new browser window of `size` (DESKTOP or PHONE) logged in as `username`."""
    page = new_page(browser, live_server, **size)
    sign_in(page, username, password)
    return page


def new_page(browser, live_server, **options):
    """A page in a new browser window on the live server (closed with page.context.close())."""
    context = browser.new_context(base_url=live_server.url, **options)
    context.set_default_timeout(20_000)
    return context.new_page()


def sign_in(page, username: str, password: str, login: str = "/accounts/login/", landing: str | None = "**/") -> None:
    """Log in through the login form at `login` (the site's or the admin's); then wait for `landing`."""
    page.goto(login)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if landing:
        page.wait_for_url(landing)


def swipe(page, selector: str, dx: int) -> None:
    """A one-finger horizontal swipe of dx pixels over the element (touch events, as a phone sends them)."""
    page.evaluate(
        """([selector, dx]) => {
            const el = document.querySelector(selector);
            const r = el.getBoundingClientRect();
            const at = (x) => new Touch({ identifier: 1, target: el, clientX: x, clientY: r.top + r.height / 2 });
            const x0 = r.left + r.width / 2 - dx / 2;
            const send = (type, touches, changed) =>
                el.dispatchEvent(new TouchEvent(type, { touches, changedTouches: changed, bubbles: true }));
            send("touchstart", [at(x0)], [at(x0)]);
            send("touchend", [], [at(x0 + dx)]);
        }""",
        [selector, dx],
    )


LIBRARY = ["group_kit_rose.jpg", "kit_harington_1.jpg", "kit_harington_3.jpg", "rose_leslie_1.jpg"]


def build_library(user, faces_dir) -> dict:
    """Alice's album "Trip" of four indexed photos; Kit Harington named on kit_harington_1.jpg, and
    "K. Harington" on kit_harington_3.jpg (the same man under two names, to merge)."""
    from indexing.people.services import name_face

    photos = indexed_photos(user, LIBRARY, album="Trip")
    kit = name_face(user, photos["kit_harington_1.jpg"].faces.get(), "Kit Harington").person
    other = name_face(user, photos["kit_harington_3.jpg"].faces.get(), "K. Harington").person
    return {"photos": photos, "album": photos["group_kit_rose.jpg"].album, "kit": kit, "other": other}
