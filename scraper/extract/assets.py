"""The asset vocabulary: which words name a removable asset, on which platform.

Asset types follow ../shared/gold/README.md (facebook_accounts, facebook_pages,
instagram_accounts, youtube_channels, ... accounts, pages, groups, total_assets).
"""

from __future__ import annotations

from .lexicon import ASSET_NOUNS

PLATFORMS = {
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "ig": "instagram",
    "youtube": "youtube",
    "twitter": "twitter",
    "x": "twitter",
    "tiktok": "tiktok",
    "reddit": "reddit",
    "google": "google",
    "blogger": "blogger",
    "adsense": "adsense",
    "ads": "ads",
    "ad": "ads",
    "advertising": "ads",
    "advertiser": "ads",
    "google ads": "ads",
    "play": "play",
    "google play": "play",
    "telegram": "other",
    "whatsapp": "other",
    "threads": "other",
    "linkedin": "other",
    "vk": "other",
    "vkontakte": "other",
    "snapchat": "other",
    "pinterest": "other",
    "medium": "other",
    "gmail": "other",
    "twitch": "other",
}
PLATFORM_RE = (
    r"(?:google\s+ads|google\s+play|facebook|fb|instagram|ig|youtube|twitter|x|tiktok|reddit|google|blogger|adsense|ads|ad"
    r"|advertising|advertiser|play|telegram|whatsapp|threads|linkedin|vkontakte|vk|snapchat|pinterest|medium|gmail|twitch)"
)

# Every asset type `asset_type` (and the counts grammar) can give, as ../shared/gold/README.md lists them:
# what a curator's counts may name.
ASSET_TYPES = (
    "facebook_accounts",
    "facebook_pages",
    "facebook_groups",
    "facebook_events",
    "instagram_accounts",
    "twitter_accounts",
    "youtube_channels",
    "tiktok_accounts",
    "reddit_accounts",
    "subreddits",
    "ads_accounts",
    "adsense_accounts",
    "blogs",
    "play_developers",
    "domains",
    "websites",
    "accounts",
    "pages",
    "groups",
    "total_assets",
)

NOUNS = ASSET_NOUNS
SINGULAR_NOUNS = {n for n in NOUNS if not n.endswith("s") or n in ("")}
NOUN_RE = (
    r"(?:developer\s+accounts?|accounts?|profiles?|handles?|pages?|groups?|events?|channels?|subreddits?|blogs?|developers?|domains?|websites?|sites?|assets"
    r"|cuentas?|comptes?|contas?|akun|perfiles|perfis|páginas?|paginas|halaman|grupos?|groupes?|canales|canais|chaînes|kanal)"
)

# Words that may stand between a number and its asset noun ("14 distinct pages").
ADJECTIVES = (
    r"fake|inauthentic|distinct|additional|associated|separate|related|other|unique|active|new|more|"
    r"coordinated|suspicious|compromised|duplicate|automated|bot|troll|sockpuppet|spam|fraudulent|"
    r"deceptive|linked|further|different|individual|authentic|real|hacked|purported|abusive|"
    r"English-language|Arabic-language|Russian-language|French-language|Spanish-language|Chinese-language|"
    r"main|primary|such|of\s+its|of\s+their|original|previously\s+unreported|total|"
    # outlets' synonyms: "personal accounts", "user accounts", "private profiles", "burner accounts"
    r"personal|user|private|official|burner|sock\s?puppet|impostor|imposter|bogus|phony|phoney|"
    # removal participles: "1,951 terminated YouTube channels", "2,000 banned accounts"
    r"removed|terminated|suspended|banned|deleted|disabled|deactivated|closed|blocked|"
    # "Russian", "Iran-based", "pro-Kremlin", "Arabic-language": descriptive words before the noun
    r"(?-i:[A-Z][a-z]+(?:ian|an|ese|ish|i|ic))|[\w]+-(?:based|linked|backed|affiliated|aligned|run|operated|controlled|language|speaking|oriented)|(?:pro|anti)-[\w]+"
)


def asset_type(noun: str, platform: str | None, *, meta_context: bool, platform_owner: str | None) -> str | None:
    """Map a noun (and the platform named with it) to a gold asset type, or None."""
    kind = NOUNS.get(noun.lower().split()[-1], None)
    if noun.lower().startswith("developer"):
        kind = "developer"
    if kind is None:
        return None
    if platform == "several":  # "Facebook and Instagram accounts"
        return {"account": "accounts", "page": "pages", "group": "groups", "asset": "total_assets"}.get(kind)
    p = PLATFORMS.get(platform.lower(), None) if platform else None
    if p == "other":
        return None
    if kind == "asset":
        return "total_assets"
    if kind == "account":
        if p in ("facebook", "instagram", "twitter", "tiktok", "reddit"):
            return f"{p}_accounts"
        if p == "youtube":
            return "youtube_channels"
        if p == "ads":
            return "ads_accounts"
        if p == "adsense":
            return "adsense_accounts"
        if p == "play":
            return "play_developers"
        if p == "blogger":  # "3 Blogger accounts": blogs
            return "blogs"
        if p is None and platform_owner in ("Twitter", "TikTok", "Reddit"):
            return {"Twitter": "twitter_accounts", "TikTok": "tiktok_accounts", "Reddit": "reddit_accounts"}[
                platform_owner
            ]
        return "accounts"
    if kind == "page" and p == "instagram":  # "Instagram pages": outlets' word for Instagram accounts
        return "instagram_accounts"
    if kind in ("page", "group"):
        if p == "facebook" or (p is None and meta_context):
            return f"facebook_{kind}s"
        return f"{kind}s" if p is None else None
    if kind == "event":
        return "facebook_events" if p in (None, "facebook") else None
    if kind == "channel":
        if p == "youtube" or (p is None and platform_owner == "Google"):
            return "youtube_channels"
        return None
    if kind == "subreddit":
        return "subreddits"
    if kind == "blog":
        return "blogs" if p in (None, "blogger", "google") else None
    if kind == "developer":
        return "play_developers" if p in ("play", "google") or platform_owner == "Google" else None
    if kind == "domain":
        return "domains"
    if kind == "website":
        return "websites"
    return None


def is_singular(noun: str) -> bool:
    word = noun.lower().split()[-1]
    return not word.endswith("s") or word in ("news",)
