"""One takedown told three times (the platform's own report, a press release that sums two of its
figures, a researcher's post that rounds one), and a bulletin naming two operations: our own sentences,
served on 127.0.0.1 by the stub tests and the desk tests."""

from __future__ import annotations

PLATFORM_PATH = "/news/2022/03/armenia/"
WIRE_PATH = "/article/5551.html"
BLOG_PATH = "/analysis/armenia/"
BULLETIN_PATH = "/tag/bulletin-q3-2022/"

# [orgs] for the loopback host: Meta and Google TAG publish on their own paths, the others retell.
ORGS = """[orgs]
"127.0.0.1/news" = "Meta"
"127.0.0.1/tag" = "Google TAG"
"127.0.0.1/article" = "EIN Presswire"
"127.0.0.1/analysis" = "Graphika"
"""

PLATFORM_NAME = "Removing a network from Armenia that targeted Georgia"
PLATFORM_COUNTS = {"facebook_accounts": 93, "facebook_pages": 14, "facebook_groups": 15, "instagram_accounts": 194}

PLATFORM = f"""<html lang="en"><head><title>{PLATFORM_NAME} | Meta</title>
<meta property="article:published_time" content="2022-03-08T16:00:00+00:00"></head>
<body><article><h1>{PLATFORM_NAME}</h1>
<p>Today we removed 93 Facebook accounts, 14 Pages, 15 Groups and 194 Instagram accounts for violating our policy against coordinated inauthentic behavior. This network originated in Armenia and targeted people in Georgia.</p>
<p>The people behind this activity posted about local politics and used fake accounts to run Pages posing as news outlets.</p>
</article></body></html>"""

# counts the Groups as Pages (14 + 15): facebook_pages = 29 against the platform's 14
# ("29 Pages and Groups" would be one total over two types, `total_assets`, as the gold rules read it)
WIRE = """<html lang="en"><head><title>Watchdog welcomes Meta action on fake Armenian accounts</title>
<meta property="article:published_time" content="2022-03-10T09:00:00+00:00"></head>
<body><article><h1>Watchdog welcomes Meta action on fake Armenian accounts</h1>
<p>YEREVAN, ARMENIA, March 10, 2022 /EINPresswire.com/ -- A media watchdog said on Thursday that Meta removed 93 Facebook accounts, 29 Pages and 194 Instagram accounts run from Armenia that targeted Georgia.</p>
<p>The watchdog had flagged several of the Pages to the company last year and asked for more transparency about such networks.</p>
</article></body></html>"""

# rounds the Instagram accounts: instagram_accounts = 200
BLOG = """<html lang="en"><head><title>What Meta's Armenia takedown tells us</title>
<meta property="article:published_time" content="2022-03-14T09:00:00+00:00"></head>
<body><article><h1>What Meta's Armenia takedown tells us</h1>
<p>Last week Meta said it had removed 93 Facebook accounts, 14 Pages, 15 Groups and nearly 200 Instagram accounts operated from Armenia and aimed at audiences in Georgia.</p>
<p>We looked at the archived Pages and found that most of them had copied their posts from two regional news sites.</p>
</article></body></html>"""

# agrees with the platform on every figure it states
AGREEING_BLOG = BLOG.replace("nearly 200 Instagram accounts", "194 Instagram accounts")

PAGES = {"platform": (PLATFORM_PATH, PLATFORM), "wire": (WIRE_PATH, WIRE), "blog": (BLOG_PATH, BLOG)}

VENEZUELA = (
    "<p>We terminated 12 YouTube channels as part of our investigation into coordinated influence operations linked to Venezuela. "
    "The campaign was targeting Colombia and was sharing content in Spanish supportive of the Venezuelan government.</p>"
)
NIGERIA = (
    "<p>We terminated 7 YouTube channels and 3 Blogger blogs as part of our investigation into coordinated influence operations "
    "linked to Nigeria. The campaign was targeting Ghana and was sharing content in English about Ghanaian elections.</p>"
)


def bulletin(*operations: str) -> str:
    """A TAG-style bulletin naming each of `operations` (VENEZUELA, NIGERIA) in a paragraph of its own."""
    return f"""<html lang="en"><head><title>TAG Bulletin: Q3 2022</title>
<meta property="article:published_time" content="2022-10-20T16:00:00+00:00"></head>
<body><article><h1>TAG Bulletin: Q3 2022</h1>
<p>This bulletin includes coordinated influence operation campaigns terminated on our platforms in Q3 2022.</p>
<h2>Coordinated influence operation campaigns</h2>
{"".join(operations)}
</article></body></html>"""
