//! The frame of every page: head, skip link, header with the menu and the language switch,
//! main, footer.

use maud::{html, Markup, DOCTYPE};

use super::texts::T;
use super::Ctx;
use crate::domain::reference::Lang;

/// Each language named in itself, as a switch must.
const LANGUAGES: [(Lang, &str); 3] = [
    (Lang::Nb, "Bokmål"),
    (Lang::Nn, "Nynorsk"),
    (Lang::En, "English"),
];

fn head(ctx: &Ctx, title: &str, json: Option<&str>) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " – " (ctx.t(T::SiteName)) }
            link rel="stylesheet" href="/assets/site.css";
            @if let Some(json) = json {
                link rel="alternate" type="application/json" href=(json);
            }
        }
    }
}

/// A whole page: `body` goes inside `<main>`; `json` is the API answer with the same facts.
pub fn shell(ctx: &Ctx, title: &str, json: Option<&str>, body: Markup) -> Markup {
    let here = ctx.path();
    let nav = [
        ("/", T::NavServices),
        ("/compare", T::NavCompare),
        ("/report", T::NavReport),
        ("/about", T::NavAbout),
    ];
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            (head(ctx, title, json))
            body {
                a class="skip-link" href="#main" { (ctx.t(T::SkipToContent)) }
                header class="site-header" {
                    div class="wrap bar" {
                        a class="site-name" href=(ctx.href("/")) { (ctx.t(T::SiteName)) }
                        nav class="menu" aria-label=(ctx.t(T::MainNav)) {
                            ul {
                                @for (path, label) in nav {
                                    li {
                                        @if here == path {
                                            a href=(ctx.href(path)) aria-current="page" { (ctx.t(label)) }
                                        } @else {
                                            a href=(ctx.href(path)) { (ctx.t(label)) }
                                        }
                                    }
                                }
                                li { a href="/docs/" { (ctx.t(T::NavApi)) } }
                            }
                        }
                        (switch(ctx))
                    }
                }
                main id="main" class="wrap" tabindex="-1" { (body) }
                footer class="site-footer" {
                    div class="wrap" {
                        p { (ctx.t(T::FooterSource)) }
                        @if let Some(json) = json {
                            p { a href=(json) type="application/json" { (ctx.t(T::AsJson)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The language switch: this page in each language.
fn switch(ctx: &Ctx) -> Markup {
    html! {
        nav class="lang-switch" aria-label=(ctx.t(T::LanguageNav)) {
            ul {
                @for (lang, name) in LANGUAGES {
                    li {
                        @if lang == ctx.lang {
                            a hreflang=(lang.code()) lang=(lang.code()) href=(ctx.switch_to(lang)) aria-current="true" { (name) }
                        } @else {
                            a hreflang=(lang.code()) lang=(lang.code()) href=(ctx.switch_to(lang)) { (name) }
                        }
                    }
                }
            }
        }
    }
}

/// A page to be framed on another site: no menu, only the content and its source.
pub fn bare(ctx: &Ctx, title: &str, json: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ctx.lang.code()) {
            (head(ctx, title, json))
            body class="embedded" {
                main id="main" { (body) }
            }
        }
    }
}
