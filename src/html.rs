//! HTML pages to article text, with a real HTML parser (scraper, on html5ever), never
//! patterns over markup.
//!
//! A news page is turned into the lines a clean text dump of the same article would hold,
//! so that the cleaner and the extractors treat both alike: the title, the metadata lines
//! the site prints (来源:, 发布时间:, 责任编辑: …), the body paragraphs, the editor line.
//!
//! The body is the block with the most article-like text, as the better news extractors
//! find it: each paragraph scores by its Chinese punctuation and length, discounted by the
//! share of its text inside links; the scores go to the paragraph's parent (and half to the
//! grandparent), and the best-scoring block wins. Navigation, comments, recommendations,
//! share bars and footers are left out by tag (nav, footer, aside, form …) and by class or
//! id words (comment, share, related, recommend …), and what remains of the winning block
//! keeps only paragraphs that are not mostly links. Metadata comes from `meta` tags
//! (og:title, article:published_time, author, source), `<time>`, `<h1>` and `<title>`.

use std::collections::HashMap;
use std::sync::LazyLock;

use ego_tree::NodeId;
use rustc_hash::FxHashMap;
use scraper::{ElementRef, Html, Node, Selector};

/// Parses a selector written in this file.
fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("invariant: valid selector")
}

// Parsed once: `is_furniture` runs for every element of every page.
static BODY: LazyLock<Selector> = LazyLock::new(|| selector("body"));
static META: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
static TIME: LazyLock<Selector> = LazyLock::new(|| selector("time"));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));

/// What the passes over a page ask of each element: whether a block sits below it, and
/// how many characters of text, and of link text, it holds. Computed once, from the leaves
/// up: asked of each element by walking its subtree, a page of 100,000 nested `div`s took
/// 43 s (every element walked all those below it), and the recursive walks overflowed a
/// worker's stack, which aborts the whole run instead of failing one input.
struct Below(FxHashMap<NodeId, Counts>);

#[derive(Clone, Copy, Default)]
struct Counts {
    /// A block element (not `br`) somewhere below.
    block: bool,
    /// Characters of text below, whitespace left out.
    chars: usize,
    /// The part of `chars` inside links.
    linked: usize,
}

impl Below {
    fn new(root: ElementRef) -> Below {
        let mut map: FxHashMap<NodeId, Counts> = FxHashMap::default();
        // Pre-order reversed: every node comes before its parent.
        let nodes: Vec<_> = root.descendants().collect();
        for n in nodes.into_iter().rev() {
            let Some(parent) = n.parent().filter(|_| n.id() != root.id()) else { continue };
            let add = match n.value() {
                Node::Text(t) => {
                    let chars = t.chars().filter(|c| !c.is_whitespace()).count();
                    Counts { block: false, chars, linked: 0 }
                }
                Node::Element(el) => {
                    let mine = map.get(&n.id()).copied().unwrap_or_default();
                    let name = el.name();
                    Counts {
                        block: mine.block || name != "br" && BLOCK_TAGS.contains(&name),
                        chars: mine.chars,
                        linked: if name == "a" { mine.chars } else { mine.linked },
                    }
                }
                _ => continue,
            };
            let slot = map.entry(parent.id()).or_default();
            slot.block |= add.block;
            slot.chars += add.chars;
            slot.linked += add.linked;
        }
        Below(map)
    }

    fn of(&self, e: &ElementRef) -> Counts {
        self.0.get(&e.id()).copied().unwrap_or_default()
    }

    /// Whether any element below `e` is a block (tables gain a `tbody` the markup never
    /// had, so direct children are not enough).
    fn has_block_child(&self, e: &ElementRef) -> bool {
        self.of(e).block
    }

    /// Share of an element's text inside links.
    fn link_density(&self, e: &ElementRef) -> f64 {
        let c = self.of(e);
        if c.chars == 0 {
            return 0.0;
        }
        (c.linked as f64 / c.chars as f64).min(1.0)
    }
}

/// Tags whose content is never article text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "button", "select", "input", "svg",
    "textarea", "object", "embed", "template", "head",
];

/// Words of a class or id that mark page furniture (matched against the parts of
/// `a-b_c d` and as prefixes: `comments`, `share-bar`, `relatedNews`).
const FURNITURE: &[&str] = &[
    "nav",
    "menu",
    "foot",
    "footer",
    "comment",
    "comments",
    "reply",
    "share",
    "sharebar",
    "bdshare",
    "recommend",
    "related",
    "relate",
    "relevant",
    "sidebar",
    "side",
    "breadcrumb",
    "crumb",
    "copyright",
    "login",
    "search",
    "hot",
    "rank",
    "ranking",
    "advert",
    "ad",
    "ads",
    "banner",
    "links",
    "friendlink",
    "toolbar",
    "tools",
    "pager",
    "pagination",
    "more",
    "qrcode",
    "weixin",
    "wechat",
    "app",
    "subscribe",
    "topbar",
    "header-nav",
    "tags",
];

/// Block-level tags: a paragraph break before and after.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "li",
    "ul",
    "ol",
    "table",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "dl",
    "figure",
    "figcaption",
    "header",
    "main",
    "br",
    "hr",
];

/// Labels of the metadata lines Chinese news sites print.
const META_LABELS: &[&str] =
    &["来源", "发布时间", "发表时间", "时间", "作者", "记者", "编辑", "责任编辑", "责编", "稿源", "出处"];

/// Deepest nesting of elements given to html5ever. Its tree builder looks through the
/// stack of open elements at each tag (`in_scope_named`), so its time grows with depth
/// times tags: a page of 100,000 nested `div`s took 17 s to parse. Browsers cap a tree's
/// depth for the same reason (Blink at 512). News pages nest a few dozen deep; markup
/// deeper than this is generated or hostile, and [`flat_text`] takes its text instead.
pub(crate) const MAX_DEPTH: usize = 2048;

/// Elements that never hold content, so their tags open nothing.
const VOID_TAGS: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"];

/// Elements whose end tag may be left out: the next one of their kind closes them, so a
/// page of 20,000 unclosed `<p>` is 20,000 paragraphs side by side, not nested.
const IMPLIED_END_TAGS: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt",
    "rp",
];

/// A tag read without a parser, for [`nesting_depth`] and [`flat_text`].
struct Tag<'a> {
    /// `</name>`.
    closing: bool,
    /// `<name/>`.
    self_closing: bool,
    /// The name's bytes, as written; empty for comments, declarations and `< 2`.
    name: &'a [u8],
    /// The byte after its `>`.
    end: usize,
}

impl Tag<'_> {
    fn is_one_of(&self, names: &[&str]) -> bool {
        names.iter().any(|t| t.as_bytes().eq_ignore_ascii_case(self.name))
    }
}

/// The tag whose `<` is byte `at` of `b`; None when no `>` follows.
fn tag_at(b: &[u8], at: usize) -> Option<Tag<'_>> {
    let closing = b.get(at + 1) == Some(&b'/');
    let name_at = (at + 1 + usize::from(closing)).min(b.len());
    let len = b[name_at..].iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    let gt = at + memchr::memchr(b'>', &b[at..])?;
    let name = if len > 0 && b[name_at].is_ascii_alphabetic() { &b[name_at..name_at + len] } else { &[] };
    Some(Tag { closing, self_closing: b[gt - 1] == b'/', name, end: gt + 1 })
}

/// How deep the elements of `markup` nest, by its tags alone (void and self-closing tags
/// open nothing, nor do [`IMPLIED_END_TAGS`]; a closing tag closes one), counted up to
/// `limit`.
pub(crate) fn nesting_depth(markup: &str, limit: usize) -> usize {
    let b = markup.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let Some(tag) = tag_at(b, i + k) else { break };
        i = tag.end;
        if tag.name.is_empty() || tag.is_one_of(IMPLIED_END_TAGS) {
            continue;
        }
        if tag.closing {
            depth = depth.saturating_sub(1);
        } else if !tag.is_one_of(VOID_TAGS) && !tag.self_closing {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                break;
            }
        }
    }
    deepest
}

/// The text of markup nested past [`MAX_DEPTH`], without a tree: tags removed (a block
/// tag breaks the line), `script` and `style` content dropped. One pass.
pub(crate) fn flat_text(markup: &str) -> String {
    let b = markup.as_bytes();
    let mut out = String::with_capacity(markup.len() / 2);
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        out.push_str(&markup[i..i + k]);
        let Some(tag) = tag_at(b, i + k) else {
            i = b.len();
            break;
        };
        i = tag.end;
        if tag.is_one_of(BLOCK_TAGS) {
            out.push('\n');
        }
        if !tag.closing && tag.is_one_of(&["script", "style"]) {
            i = closing_tag(&markup[i..], tag.name).map_or(b.len(), |c| i + c);
        }
    }
    out.push_str(&markup[i..]);
    tidy_lines(&out)
}

/// Where `</name` starts in `hay`, in any letter case.
fn closing_tag(hay: &str, name: &[u8]) -> Option<usize> {
    let b = hay.as_bytes();
    let mut i = 0;
    while let Some(k) = memchr::memmem::find(&b[i..], b"</") {
        let at = i + k;
        if b.get(at + 2..at + 2 + name.len()).is_some_and(|n| n.eq_ignore_ascii_case(name)) {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

/// Whether a document looks like an HTML page (used when the name does not say).
pub(crate) fn looks_like_html(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let head = &text[..text.char_indices().nth(1024).map_or(text.len(), |(i, _)| i)];
    starts_with_tag(head, "<!doctype html")
        || starts_with_tag(head, "<html")
        || has_tag(head, "<html") && has_tag(head, "<head")
}

/// Whether a document is an XML file of some other shape than a page or a `<doc>` dump (an
/// RSS feed, a NewsML item, a site's export): an XML declaration, or a root element that
/// closes. Its tags are stripped as a page's would be; they had stayed in the text.
pub(crate) fn looks_like_xml(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if starts_with_tag(text, "<?xml") {
        return true;
    }
    // A root element: the text ends with the closing tag of the element it opens with (not
    // <b>重要通知</b> … <wang@example.com>, text with tags in it).
    let Some(rest) = text.strip_prefix('<') else { return false };
    let name_len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))).unwrap_or(0);
    let name = &rest[..name_len];
    !name.is_empty() && name.starts_with(|c: char| c.is_ascii_alphabetic()) && {
        let end = text.trim_end();
        end.strip_suffix('>').and_then(|e| e.trim_end().strip_suffix(name)).is_some_and(|e| e.ends_with("</"))
    }
}

/// XML text with its CDATA sections opened (`<![CDATA[正文]]>` is 正文): an HTML parser
/// reads a CDATA section outside SVG and MathML as a comment, and the text in it, often the
/// whole article of a feed, would be lost.
pub(crate) fn open_cdata(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("<![CDATA[") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("<![CDATA[") {
        out.push_str(&rest[..i]);
        rest = &rest[i + 9..];
        let end = rest.find("]]>").unwrap_or(rest.len());
        let section = &rest[..end];
        // A feed puts an article's HTML in its sections (<p>, <img>): left as markup, to be
        // stripped with the rest. Other text is text: its `<` and `&` are characters
        // (股市a<b时), escaped so that the parser gives them back.
        if has_inline_markup(section) || section.contains("</") {
            out.push_str(section);
        } else {
            for c in section.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '&' => out.push_str("&amp;"),
                    c => out.push(c),
                }
            }
        }
        rest = &rest[(end + 3).min(rest.len())..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether plain text carries markup to strip (a `<p>` or `<br>` in a text file). One look
/// at each '<' for all the tags: a search of the whole text for each tag in turn, eleven
/// passes over every document, was 0.9% of a run's instructions.
pub(crate) fn has_inline_markup(text: &str) -> bool {
    const TAGS: [&str; 11] =
        ["<p>", "<p ", "</p>", "<br>", "<br/>", "<br />", "<div", "</div>", "<span", "<strong>", "<img "];
    text.match_indices('<').any(|(i, _)| TAGS.iter().any(|t| starts_with_tag(&text[i..], t)))
}

/// Whether `text` starts with `tag` (which starts with '<'), in any ASCII letter case.
fn starts_with_tag(text: &str, tag: &str) -> bool {
    text.as_bytes().get(..tag.len()).is_some_and(|b| b.eq_ignore_ascii_case(tag.as_bytes()))
}

/// Whether `tag` (which starts with '<') occurs in `text`, in any ASCII letter case: a
/// look at each '<', where lowercasing a copy of every document and searching it eleven
/// times was a twentieth of the clean stage.
fn has_tag(text: &str, tag: &str) -> bool {
    debug_assert!(tag.starts_with('<'));
    text.match_indices('<').any(|(i, _)| starts_with_tag(&text[i..], tag))
}

/// Text with its markup removed: block tags become line breaks, entities are decoded, and
/// scripts and styles go with their code (`var x=1;`, `.a{color:red}` is no text).
pub(crate) fn strip_markup(text: &str) -> String {
    let frag = Html::parse_fragment(text);
    let mut out = String::new();
    let code = |e: &ElementRef| matches!(e.value().name(), "script" | "style" | "noscript" | "template");
    collect_text(frag.root_element(), &mut out, &code, None);
    tidy_lines(&out)
}

/// The article of an HTML page as text lines: title, metadata lines, body, editor line.
pub(crate) fn article_text(page: &str) -> String {
    let doc = Html::parse_document(page);
    let skip = |e: &ElementRef| is_furniture(e);
    let title = title(&doc);
    let meta = page_meta(&doc);

    // Score blocks by the paragraphs inside them.
    let mut score: HashMap<NodeId, f64> = HashMap::new();
    let root = doc.select(&BODY).next().unwrap_or_else(|| doc.root_element());
    let below = Below::new(doc.root_element());
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        if skip(&e) {
            continue;
        }
        for child in e.children() {
            if let Some(c) = ElementRef::wrap(child) {
                stack.push(c);
            }
        }
        // Text written straight into a block, paragraphs parted by <br> (older sites, and
        // text with a stray tag or two): each run scores for the block itself.
        let direct: f64 = e
            .children()
            .filter_map(|c| match c.value() {
                Node::Text(t) => Some(t.to_string()),
                _ => None,
            })
            .flat_map(|t| t.lines().map(str::to_string).collect::<Vec<_>>())
            .map(|t| paragraph_score(&t, 0.0))
            .sum();
        if direct > 0.0 {
            *score.entry(e.id()).or_default() += direct;
            if let Some(parent) = e.parent().and_then(ElementRef::wrap) {
                *score.entry(parent.id()).or_default() += direct / 2.0;
            }
        }
        let name = e.value().name();
        let is_para = name == "p" || (name == "div" || name == "td" || name == "span") && !below.has_block_child(&e);
        if !is_para {
            continue;
        }
        let mut text = String::new();
        collect_text(e, &mut text, &skip, None);
        let s = paragraph_score(&text, below.link_density(&e));
        if s == 0.0 {
            continue;
        }
        if let Some(parent) = e.parent().and_then(ElementRef::wrap) {
            *score.entry(parent.id()).or_default() += s;
            if let Some(grand) = parent.parent().and_then(ElementRef::wrap) {
                *score.entry(grand.id()).or_default() += s / 2.0;
            }
        }
    }
    let best = score
        .iter()
        .max_by(|a, b| a.1.total_cmp(b.1).then(b.0.cmp(a.0)))
        .and_then(|(id, _)| doc.tree.get(*id))
        .and_then(ElementRef::wrap)
        .or(Some(root));

    let mut lines: Vec<String> = Vec::new();
    if let Some(t) = &title {
        lines.push(t.clone());
    }
    // Metadata lines printed on the page outside the body (the line under the headline).
    let content_id = best.map(|b| b.id());
    let mut before = Vec::new();
    let mut after = Vec::new();
    let mut seen_content = false;
    walk_meta_lines(root, content_id, &skip, &below, &mut seen_content, &mut before, &mut after);
    let stated = meta.lines();
    lines.extend(stated);
    lines.extend(before);
    if let Some(b) = best {
        let mut text = String::new();
        collect_text(b, &mut text, &skip, Some(&below));
        for l in tidy_lines(&text).lines() {
            // The headline repeated inside the body block is not body text.
            if title.as_deref() != Some(l.trim()) {
                lines.push(l.to_string());
            }
        }
    }
    lines.extend(after);
    let mut out = String::new();
    let mut last = String::new();
    for l in lines {
        let l = l.trim().to_string();
        if !l.is_empty() && l != last {
            out.push_str(&l);
            out.push('\n');
            last = l;
        }
    }
    out
}

/// How much a paragraph reads like article text: Chinese punctuation and length, less the
/// share inside links. Zero for fragments under ten characters.
fn paragraph_score(text: &str, link_density: f64) -> f64 {
    let len = text.chars().filter(|c| !c.is_whitespace()).count();
    if len < 10 {
        return 0.0;
    }
    let punct = text.chars().filter(|c| matches!(c, '，' | '。' | '；' | '：' | '、' | '！' | '？' | '”')).count();
    (1.0 + punct as f64 + (len as f64 / 60.0).min(5.0)) * (1.0 - link_density)
}

/// What the page's `meta` and `time` tags state.
#[derive(Debug, Default)]
struct PageMeta {
    published: Option<String>,
    source: Option<String>,
    author: Option<String>,
}

impl PageMeta {
    /// As the metadata line a text dump would carry.
    fn lines(&self) -> Vec<String> {
        let mut parts = Vec::new();
        if let Some(p) = &self.published {
            parts.push(format!("发布时间：{p}"));
        }
        if let Some(s) = &self.source {
            let s = s.trim_start_matches("来源").trim_start_matches([':', '：', ' ']);
            parts.push(format!("来源：{s}"));
        }
        if let Some(a) = &self.author {
            parts.push(format!("作者：{a}"));
        }
        if parts.is_empty() {
            Vec::new()
        } else {
            vec![parts.join("　")]
        }
    }
}

fn meta_content(doc: &Html, keys: &[&str]) -> Option<String> {
    for key in keys {
        for m in doc.select(&META) {
            let v = m.value();
            let name = v.attr("property").or_else(|| v.attr("name")).or_else(|| v.attr("itemprop")).unwrap_or("");
            if name.eq_ignore_ascii_case(key) {
                if let Some(c) = v.attr("content").map(str::trim).filter(|c| !c.is_empty()) {
                    return Some(c.to_string());
                }
            }
        }
    }
    None
}

fn page_meta(doc: &Html) -> PageMeta {
    let mut published = meta_content(
        doc,
        &[
            "article:published_time",
            "og:release_date",
            "pubdate",
            "publishdate",
            "publish_time",
            "publishtime",
            "datePublished",
            "PubDate",
            "firstpublishedtime",
        ],
    );
    if published.is_none() {
        published = doc.select(&TIME).find_map(|t| {
            t.value().attr("datetime").map(str::to_string).or_else(|| Some(t.text().collect::<String>()))
        });
    }
    // 2024-09-28T08:30:00+08:00 → 2024-09-28 08:30:00, as Chinese pages print it.
    let published = published.map(|p| {
        let p = p.trim().replace('T', " ");
        match p.find(['+', 'Z']) {
            Some(i) if i > 10 => p[..i].trim().to_string(),
            _ => p,
        }
    });
    PageMeta {
        published,
        source: meta_content(doc, &["source", "og:source", "article:source"]),
        author: meta_content(doc, &["author", "article:author"]).filter(|a| !a.starts_with("http")),
    }
}

/// The headline: og:title, else the first `<h1>`, else `<title>` without the site's name.
fn title(doc: &Html) -> Option<String> {
    let strip_site = |t: &str| {
        let t = t.trim();
        // 标题_人民网 / 标题 - 新华网 / 标题|某某网: the longest part is the headline.
        t.split(['_', '|', '｜'])
            .flat_map(|p| p.split(" - "))
            .flat_map(|p| p.split(" — "))
            .map(str::trim)
            .max_by_key(|p| p.chars().count())
            .unwrap_or(t)
            .to_string()
    };
    let h1 = doc
        .select(&H1)
        .filter(|e| !is_furniture(e) && !ancestors_furniture(e))
        .map(|e| squash(&e.text().collect::<String>()))
        .find(|t| t.chars().count() >= 4);
    let og = meta_content(doc, &["og:title", "twitter:title"]).map(|t| strip_site(&t));
    let title = doc.select(&TITLE).next().map(|t| strip_site(&t.text().collect::<String>()));
    og.or(h1).or(title).filter(|t| !t.is_empty())
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_furniture(e: &ElementRef) -> bool {
    let v = e.value();
    if SKIP_TAGS.contains(&v.name()) {
        return true;
    }
    if v.name() == "header" {
        // A page header is furniture unless it carries the headline.
        return e.select(&H1).next().is_none();
    }
    let words = v.attr("class").into_iter().chain(v.attr("id"));
    for w in words {
        for part in w.split(|c: char| c.is_whitespace() || c == '-' || c == '_') {
            let p = part.to_ascii_lowercase();
            if p.is_empty() {
                continue;
            }
            if FURNITURE.contains(&p.as_str())
                || ["comment", "recommend", "related", "share", "footer", "nav", "sidebar", "breadcrumb", "copyright"]
                    .iter()
                    .any(|f| p.starts_with(f))
            {
                return true;
            }
        }
    }
    false
}

fn ancestors_furniture(e: &ElementRef) -> bool {
    e.ancestors().filter_map(ElementRef::wrap).any(|a| is_furniture(&a))
}

/// Appends the text under `e`, with a line break around every block element. Photos are
/// left out (their alt text is a caption, not body). With `drop_link_blocks` (the page's
/// counts), blocks that are mostly links are left out too (related-article lists inside the
/// body container). A loop over a stack of its own, not recursion: see [`Below`].
fn collect_text(e: ElementRef, out: &mut String, skip: &dyn Fn(&ElementRef) -> bool, drop_link_blocks: Option<&Below>) {
    enum Step<'a> {
        Visit(ego_tree::NodeRef<'a, Node>),
        BreakLine,
    }
    let mut stack: Vec<Step> = e.children().rev().map(Step::Visit).collect();
    while let Some(step) = stack.pop() {
        let child = match step {
            Step::BreakLine => {
                out.push('\n');
                continue;
            }
            Step::Visit(child) => child,
        };
        match child.value() {
            Node::Text(t) => out.push_str(t),
            Node::Element(el) => {
                let Some(c) = ElementRef::wrap(child) else { continue };
                if skip(&c) || el.name() == "img" {
                    continue;
                }
                let block = BLOCK_TAGS.contains(&el.name());
                if block && drop_link_blocks.is_some_and(|b| b.link_density(&c) > 0.6 && b.of(&c).chars > 0) {
                    continue;
                }
                if block {
                    out.push('\n');
                    stack.push(Step::BreakLine);
                }
                stack.extend(child.children().rev().map(Step::Visit));
            }
            _ => {}
        }
    }
}

/// Short lines outside the body that hold a metadata label, split by whether they come
/// before or after the body block. In document order, over a stack (see [`Below`]).
fn walk_meta_lines(
    root: ElementRef,
    content: Option<NodeId>,
    skip: &dyn Fn(&ElementRef) -> bool,
    below: &Below,
    seen_content: &mut bool,
    before: &mut Vec<String>,
    after: &mut Vec<String>,
) {
    let mut stack = vec![root];
    while let Some(e) = stack.pop() {
        if Some(e.id()) == content {
            // Editor lines inside the body block are kept with the body.
            *seen_content = true;
            continue;
        }
        if skip(&e) && !is_editor_block(&e, below) {
            continue;
        }
        let leaf = !below.has_block_child(&e);
        if leaf && e.value().name() != "body" {
            let text = squash(&e.text().collect::<String>());
            let n = text.chars().count();
            if n > 0
                && n <= 120
                && META_LABELS.iter().any(|l| text.contains(&format!("{l}:")) || text.contains(&format!("{l}：")))
            {
                if *seen_content {
                    after.push(text);
                } else {
                    before.push(text);
                }
            }
            continue;
        }
        stack.extend(e.children().filter_map(ElementRef::wrap).rev());
    }
}

/// An editor line in a block whose class also names furniture (`<div class="edit share">`).
fn is_editor_block(e: &ElementRef, below: &Below) -> bool {
    // The count first: collecting the text of a large block only to find it long was a
    // walk of its whole subtree.
    if below.of(e).chars >= 60 {
        return false;
    }
    let t: String = e.text().collect();
    t.chars().count() < 60 && (t.contains("责任编辑") || t.contains("责编"))
}

/// Trims every line, drops empty ones.
fn tidy_lines(s: &str) -> String {
    let mut out = String::new();
    for l in s.lines() {
        let l = l.trim_matches(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{3000}');
        if !l.is_empty() {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_text_is_stripped() {
        let t = strip_markup("<p>第一段&nbsp;文字。</p><p>第二段<br>第三行</p>");
        assert_eq!(t, "第一段\u{a0}文字。\n第二段\n第三行\n");
        assert!(has_inline_markup("正文<p>另一段"));
        assert!(!has_inline_markup("价格<5元，数量>3个"));
        assert!(has_inline_markup("正文<BR />另一行"), "any letter case");
        assert!(!has_inline_markup("正文<b"), "a tag cut off at the end is no tag");
    }

    #[test]
    fn nesting_is_counted_by_tags() {
        assert_eq!(nesting_depth("<div><section><p>a<p>b<br><img src=x><hr/></section></div><div>c</div>", 100), 2);
        assert_eq!(nesting_depth("<ul><li>a<li>b<li>c</ul>", 100), 1, "an implied end tag nests nothing");
        assert_eq!(nesting_depth("<a/><x-y></x-y><!-- <div> --> 1 < 2", 100), 1);
        assert_eq!(nesting_depth(&"<b>".repeat(50), 10), 11, "counting stops past the limit");
        assert_eq!(nesting_depth("</div></div><div>", 100), 1);
    }

    /// Markup in a text file or a record's text loses its scripts and styles with their code.
    #[test]
    fn stripped_markup_drops_scripts_and_styles() {
        let t = strip_markup(
            "<p>金昌市建成党群服务中心。</p><script>var secret=1;alert(1)</script><style>.a{color:red}</style>",
        );
        assert_eq!(t.trim(), "金昌市建成党群服务中心。");
    }

    #[test]
    fn flat_text_breaks_at_blocks_and_drops_scripts() {
        let t = flat_text(
            "<div>第一段<b>粗体</b></div><SCRIPT>var a = '<div>';</Script><p>第二段<br>第三行<style>p{}</style>",
        );
        assert_eq!(t, "第一段粗体\n第二段\n第三行\n");
        assert_eq!(flat_text("文字<未闭合"), "文字\n");
    }

    #[test]
    fn pages_are_recognised_by_their_first_1024_characters() {
        assert!(looks_like_html("\u{feff}  <!DOCTYPE HTML><p>x"));
        assert!(looks_like_html("<Html lang=zh>"));
        assert!(looks_like_html("<!-- 注释 --><HTML><HEAD>"));
        assert!(!looks_like_html("<p>一段<html>, no head"));
        let late = format!("{}<html><head>", "字".repeat(1020));
        assert!(!looks_like_html(&late), "the head tag starts past character 1024");
        let early = format!("{}<html><head>", "字".repeat(1010));
        assert!(looks_like_html(&early));
    }

    #[test]
    fn page_to_article_lines() {
        let page = r#"<!DOCTYPE html><html><head><title>金昌建强基层堡垒_新甘肃</title>
            <meta property="article:published_time" content="2022-05-26T22:58:46+08:00">
            <meta name="source" content="甘肃日报"></head><body>
            <div class="nav"><a href="/">首页</a><a href="/a">要闻</a></div>
            <h1>金昌建强基层堡垒</h1>
            <div class="content"><p>金昌市139个行政村全部建成标准化党群服务中心，实现了支部工作有场所。</p>
            <p>村民们说：“给钱给物，不如建个好支部。”</p>
            <ul class="related"><li><a href="/x">相关新闻一</a></li></ul></div>
            <div class="comment">网友评论：写得好，支持！</div>
            <div class="editor">责任编辑：王奇英</div>
            <div class="footer">版权所有 © 新甘肃</div></body></html>"#;
        let t = article_text(page);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "金昌建强基层堡垒");
        assert_eq!(lines[1], "发布时间：2022-05-26 22:58:46　来源：甘肃日报");
        assert!(lines[2].starts_with("金昌市139个行政村"), "{t}");
        assert!(t.contains("不如建个好支部"));
        assert!(
            !t.contains("首页") && !t.contains("网友评论") && !t.contains("版权所有") && !t.contains("相关新闻"),
            "{t}"
        );
        assert_eq!(*lines.last().unwrap(), "责任编辑：王奇英");
    }
}
