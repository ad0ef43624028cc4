"""The README's menu paths are the console's: "团队 → 门店" names a top-row group and one of its pages,
in the words the console shows. A path that starts with one of our page names instead of its group
("优惠券 → API 密钥"), or with a group that does not hold that page, fails here."""

from __future__ import annotations

import re
from pathlib import Path

from flask_babel import force_locale

from sidebar.web.admin.nav import GROUPS

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_console_path_in_the_readme_is_a_group_and_one_of_its_pages(app):
    with app.test_request_context(), force_locale("zh"):
        groups = {str(g.label): {str(link.label) for link in g.links} for g in GROUPS}
    pages = set().union(*groups.values())
    names = "|".join(re.escape(n) for n in sorted(set(groups) | pages, key=len, reverse=True))
    # A console name (not inside a longer word), then "→ next": the next part ends at a space or bracket.
    paths = re.findall(rf"(?<![\w\u4e00-\u9fff])((?:{names}) → [^\s)）*`|,，:：]+)", README.read_text())
    checked, wrong = 0, []
    for path in paths:
        parts = [p.strip() for p in path.split("→")]
        first = parts[0]
        if first in groups:
            checked += 1
            if parts[1] not in groups[first]:
                wrong.append(path)
        elif first in pages - set(groups):
            wrong.append(path)  # a page without its group
    assert not wrong, wrong
    assert checked >= 8  # the README does walk people through the console
