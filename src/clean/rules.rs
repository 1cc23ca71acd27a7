//! The rule library: patterns that mark a line as site furniture on their
//! own, whatever surrounds it.
//!
//! Every rule is anchored to a whole line (or to a signature that only
//! boilerplate carries, such as `pic.twitter.com/…`) and most are limited to
//! short lines, because a rule that eats a sentence of reporting does more
//! harm than one that misses a footer. Three kinds:
//! - [`Kind::Line`] removes the matching line;
//! - [`Kind::Paragraph`] opens an appeal and removes it up to the next blank line;
//! - [`Kind::Tail`] is an end marker ("Leave a Reply", "34 Comments"): once the
//!   article has had its say, everything from the marker on is removed.

use std::sync::OnceLock;

use regex::{RegexSet, RegexSetBuilder};

use super::{is_list_item, without_bullet, Line};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Line,
    Paragraph,
    Tail,
}

pub(super) struct Rule {
    pub id: &'static str,
    pub kind: Kind,
    /// Longest line (in whitespace-separated words) the rule may remove.
    pub max_words: usize,
    /// Matched case-insensitively against the line without surrounding
    /// whitespace and without a leading list bullet.
    pub pattern: &'static str,
}

/// The rule id of a comment form's lines, which the article never crosses.
pub(super) const COMMENT_FORM: &str = "comment-form";
/// The rule id of bylines, under which a page prints its headline.
pub(super) const BYLINE: &str = "byline";

/// Earliest rule first: a line is reported under the first rule it matches.
pub(super) static RULES: &[Rule] = &[
    // Comment sections follow the article; what comes after the form or the
    // count is readers' text and more furniture.
    Rule {
        id: "comments",
        kind: Kind::Tail,
        max_words: 30,
        pattern: r"^\W*(?:leave a (?:reply|comment)|post a comment|add (?:a|your) comment|write a comment|have your say|join the (?:conversation|discussion)|(?:\d+ (?:comments?|responses?|replies|reactions|thoughts?)|no (?:comments|responses|replies|thoughts))(?: (?:to|on) [\x22“„«‘'].*| so far)?|(?:(?:top|top rated|best|latest|newest|oldest|most recent|reader|readers.|user|show|view|view all|read|load|see|all) )?comments(?: are closed)?|comments? \(\d+\)|kommentare|commentaires|comentarios|commenti|comentários|reacties|komentarze|комментарии)\W*$",
    },
    // Donation appeals placed after the article.
    Rule {
        id: "appeal",
        kind: Kind::Tail,
        max_words: 10,
        pattern: r"^(?:a message from (?:the )?[\p{L}\d .'&-]+:|dear readers?,?|support (?:independent|quality|our|us and our) journalism[.!]?)$",
    },
    // Donation appeals placed before the article: the opener, then its paragraph.
    Rule {
        id: "appeal",
        kind: Kind::Paragraph,
        max_words: 12,
        pattern: r"^(?:enjoying (?:ad-free|our) content\?|(?:please )?support (?:us|our work)(?: today| now)?[.!]?)$",
    },
    Rule {
        id: "appeal",
        kind: Kind::Line,
        max_words: 40,
        pattern: r"(?:\bjournalism is banned in\b|\bnot ready to (?:support|donate|give)\b|^remind me later\.?$|^(?:please )?make a (?:one-off |one-time |monthly )?(?:donation|contribution)\b|^(?:donate|contribute|become a (?:member|patron|supporter|subscriber))(?: now| today)?[.!]?$|\bwe have disabled all ads\b)",
    },
    // Sign-up prompts.
    Rule {
        id: "newsletter",
        kind: Kind::Line,
        max_words: 30,
        pattern: r"(?:\b(?:sign up|subscribe)(?: now| today| here)? (?:for|to)(?: \S+){0,4} (?:newsletters?|briefings?|digest|mailing list)\b|\b(?:delivered|sent|straight|directly) (?:to|in) your inbox\b|^we don.t spam\b|\bno spam\b.*\bunsubscribe\b|\bunsubscribe at any time\b|\bsubscribe for (?:unlimited|full|digital) access\b)",
    },
    Rule {
        id: "newsletter",
        kind: Kind::Line,
        max_words: 12,
        pattern: r"(?:\bnewsletters?\b.*\b(?:sign[ -]up|subscribe)\b|\b(?:news|stories|updates|headlines)(?: straight| directly)? to your inbox\b|^(?:subscribe|sign up|register)(?: now| today| here| for free)?[.!]?$|^already (?:a subscriber|have an account)\??$)",
    },
    // Comment forms and the lines around each reader's comment.
    Rule {
        id: COMMENT_FORM,
        kind: Kind::Line,
        max_words: 40,
        pattern: r"(?:your email address will not be published|required fields are marked|save my name, email|notify me of (?:new|follow-up) (?:comments|posts)|you must be logged in to (?:post|comment)|comments are (?:closed|moderated)|be the first to comment|to reduce spam\. learn how your comment|enable javascript to view the comments|comments powered by|^\d+\.\s*.+ says:$|^\S+ says:$|\bat \d{1,2}:\d{2}\s*(?:am|pm)? said:$|^reply(?: to this comment)?$|^report (?:comment|abuse)$)",
    },
    // An embedded tweet: its text ends in the picture link, its signature
    // names the account and the date.
    Rule {
        id: "tweet",
        kind: Kind::Line,
        max_words: 80,
        pattern: r"(?:\bpic\.twitter\.com/\w+|https?://t\.co/\w+)",
    },
    Rule {
        id: "tweet",
        kind: Kind::Line,
        max_words: 15,
        pattern: r"^(?:[—–-]\s*)?.+\(@\w+\)\s+\p{L}+\.? \d{1,2},? \d{4}$",
    },
    // A line that is only an address: author pages, sources, tracking links.
    Rule {
        id: "url",
        kind: Kind::Line,
        max_words: 1,
        pattern: r"^(?:(?:https?://|www\.)\S+|@\w+)$",
    },
    // Share bars: only network names and share verbs.
    Rule {
        id: "share",
        kind: Kind::Line,
        max_words: 20,
        pattern: r"^(?:(?:share|follow|follow us|share this|share on|share via)\s*:?\s*)?(?:(?:facebook|twitter|x|linkedin|reddit|pinterest|instagram|youtube|tiktok|whatsapp|telegram|viber|vk|vkontakte|flipboard|tumblr|messenger|pocket|buffer|e-?mail|mail|sms|print|copy link|copy|link|share|shares|\d+ shares?|tweet|pin|pin it|save)[\s,|/·•]*)+$",
    },
    Rule {
        id: "share",
        kind: Kind::Line,
        max_words: 12,
        pattern: r"^(?:click to (?:share|email|print)\b.*|share (?:this|the) (?:article|story|post|page|video)\b.*|share on \w+.*|share(?: this(?: article| story)?)?\s*:|(?:follow|like) us on .*|share close .*|teilen|partager|compartir|condividi|compartilhe|delen|udostępnij|поделиться)$",
    },
    // Pointers to other articles: "Read more", "Related article: …".
    Rule {
        id: "read-more",
        kind: Kind::Line,
        max_words: 25,
        pattern: r"^(?:read (?:more|also|next|the full (?:story|article))|see also|more on this(?: story)?|also read|further reading|recommended(?: for you| reading| stories| articles)?|related(?: articles?| stories| story| coverage| content| posts?| news| links| reading| videos?| topics| tags)?|more (?:from|on|in|stories|news|articles|videos)\b[^.!?]*|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|most (?:popular|read|viewed|shared)|trending(?: now| stories)?|what to read next|don.t miss|editor.s picks?|top stories|latest (?:news|stories|articles)|continue reading(?: the main story| below)?|(?:story|article) continues below(?: advertisement)?|lesen sie auch|mehr zum thema|weitere artikel|à lire aussi|lire aussi|voir aussi|lee también|leer más|leia (?:também|mais)|leggi anche|lees ook|czytaj (?:też|także|więcej)|читайте (?:также|еще|ещё)|смотрите также)\s*(?::.*|[»›>→…]+|\.\.\.)?$",
    },
    // Who wrote or edited it and when it was posted: the page's metadata.
    Rule {
        id: BYLINE,
        kind: Kind::Line,
        max_words: 16,
        pattern: r"^(?:(?:posted|written|reported|edited|compiled|photos?|text|reporting|writing|editing) by\b.*|(?:by|von|par|por|door)\s+(?:(?:(?-i:\p{Lu})[\p{L}.'’-]*|de|da|van|von|der|del|la|le|and|&|,)\s*)+(?:[|•·].*)?|(?:editor|author|authors|writer|reporter|correspondent|text|photo|photos|source|sources|текст|автор|фото|autor|auteur|redactor|redaktion)\s*:\s*\S.*|(?:(?:first |last )?published|updated|last updated|posted|posted on|modified)\s*:?\s*(?:on\s+)?(?:\d|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun).*|source link)$",
    },
    // Photo credits and captions that end in one.
    Rule {
        id: "caption",
        kind: Kind::Line,
        max_words: 30,
        pattern: r"(?:\((?:photo|image|picture|pic|foto|photo credit|credit|image source|getty|ap|afp|reuters|file)\b[^)]*\)$|^(?:photo|image|picture|foto|credit|image source|photo credit)s?\s*(?:[:/|]|by\b)|^(?:getty images|ap photo|afp photo|reuters photo|shutterstock|istock(?:photo)?)\b[^.!?]*$|\b(?:getty images|ap photo|afp photo|shutterstock|istockphoto|(?:ap|afp|reuters|epa|getty)/[\p{L} .]+)$|\.\s+(?-i:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6})$)",
    },
    // Copyright lines.
    Rule {
        id: "copyright",
        kind: Kind::Line,
        max_words: 40,
        pattern: r"(?:^(?:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}))|©\s*(?:\d{4}|[\p{L}])|\ball rights reserved\b|\bis a registered trademark of\b)",
    },
    // Cookie banners and links to the site's policies.
    Rule {
        id: "policy",
        kind: Kind::Line,
        max_words: 60,
        pattern: r"(?:\b(?:this|our) (?:site|website|web site) uses cookies\b|\bwe use cookies\b|\bour use of cookies\b|\b(?:read|see|view|accept|agree to|acceptance of) our (?:updated )?(?:privacy|cookie|terms|user agreement)|\bour (?:privacy|cookie) (?:policy|notice|statement)\b|\bby (?:using|continuing to use|browsing) (?:this|our) (?:site|website)\b|\bby choosing i accept\b|\byour california privacy rights\b|\bdo not sell my (?:personal )?info|^(?:privacy|cookie|terms)[\p{L} &]*(?:[|/•·][\p{L} &]*)+$)",
    },
    // Navigation, account and footer links standing alone on a line.
    Rule {
        id: "navigation",
        kind: Kind::Line,
        max_words: 6,
        pattern: r"^(?:home|home ?page|menu|main menu|search|search for:?|go|sign in|sign out|log ?in|log ?out|register|my account|account|profile|skip to (?:main )?(?:content|navigation)|skip navigation|back to top|return to top|to top|top|close|open|more|next|previous|prev|contact|contact us|about|about us|advertise(?: with us)?|advertising|careers|jobs|site ?map|rss(?: feeds?)?|newsletters?|privacy(?: policy| notice| settings)?|cookies?(?: policy| settings| preferences)?|terms(?: of (?:use|service))?|terms (?:and|&) conditions|disclaimer|accessibility|help|faq|ad ?choices|advertisement|advertisements|sponsored(?: content)?|partner content|paid content|loading\.*|show more|load more|view more|see more|view all|see all|sections|topics|tags|categories|archives?|follow us|connect with us|corrections|feedback|imprint|impressum|datenschutz|kontakt|startseite|anzeige|werbung|accueil|mentions légales|publicité|inicio|contacto|publicidad|aviso legal|pubblicità|contatti|início|contato|publicidade|reclame|reklama|kontakt|главная|контакты|реклама)\W*$",
    },
    // Menus flattened onto one line: short items between separators.
    Rule {
        id: "navigation",
        kind: Kind::Line,
        max_words: 30,
        pattern: r"^\p{L}[^|•·/]*(?:\s[|•·/]\s?\p{L}[^|•·/]*){3,}$",
    },
    // Relative times mark teaser lists and comment threads.
    Rule {
        id: "timestamp",
        kind: Kind::Line,
        max_words: 4,
        pattern: r"^(?:\d+|an?|one)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|months?|y|years?)\s+ago$",
    },
    // Keyword lists under the article.
    Rule {
        id: "tags",
        kind: Kind::Line,
        max_words: 30,
        pattern: r"^(?:tags?|tagged(?: with)?|filed under|topics?|categories|category|keywords|schlagwörter|étiquettes|etiquetas|теги|метки)\s*:.*$",
    },
    // Nothing to read: a close button, a bullet, a rule.
    Rule {
        id: "no-words",
        kind: Kind::Line,
        max_words: usize::MAX,
        pattern: r"^[^\p{L}\p{N}]+$",
    },
];

/// Room for the lazy DFA of the whole table; at the default 2 MiB it keeps
/// rebuilding states and the cleaner runs four times slower.
const DFA_CACHE: usize = 8 << 20;

/// Lines of more words than a tier's bound (and no more than the next
/// one's) are matched against only the rules that may remove them: a
/// paragraph of reporting runs through a handful of patterns, not the
/// table. Cut where the table's word limits leave long lines few rules.
const TIERS: [usize; 5] = [12, 30, 40, 60, 80];

/// The rules that may remove a line of more than `TIERS[tier - 1]` words
/// (all of them for tier 0), compiled once, in table order, each with its
/// index in [`RULES`]. Word boundaries are ASCII ones: the rules' words are
/// ASCII, and a Unicode `\b` makes the regex crate give up its DFAs for a
/// slow NFA on any line with a non-ASCII character.
fn set(tier: usize) -> &'static (RegexSet, Vec<usize>) {
    static SETS: [OnceLock<(RegexSet, Vec<usize>)>; TIERS.len() + 1] =
        [const { OnceLock::new() }; TIERS.len() + 1];
    SETS[tier].get_or_init(|| {
        let least = tier.checked_sub(1).map_or(0, |t| TIERS[t] + 1);
        let rules: Vec<usize> = (0..RULES.len())
            .filter(|&i| RULES[i].max_words >= least)
            .collect();
        let patterns = rules
            .iter()
            .map(|&i| format!("(?i){}", RULES[i].pattern.replace(r"\b", r"(?-u:\b)")));
        let set = RegexSetBuilder::new(patterns)
            .dfa_size_limit(DFA_CACHE)
            .build()
            .expect("the rule table compiles");
        (set, rules)
    })
}

/// A line this long that quotes someone is reporting, whatever phrase of a
/// sign-up form or a policy it repeats; only embeds (tweets), whose text
/// quotes by nature, and end markers may still remove it.
const QUOTE_WORDS: usize = 10;

/// The first rule that removes `line` (already trimmed), if any.
pub(super) fn first_match(line: &str) -> Option<&'static Rule> {
    let content = without_bullet(line);
    // Words between ASCII spaces are never more than words between any
    // spaces, so this tier holds every rule that may remove the line.
    let ascii_words = content.split_ascii_whitespace().count();
    let (set, rules) = set(TIERS.partition_point(|&bound| bound < ascii_words));
    // Most lines match no rule: a plain search says so faster than the
    // overlapping one that finds every rule a line matches.
    if !set.is_match(content) {
        return None;
    }
    let matches = set.matches(content);
    let words = content.split_whitespace().count();
    let quotes = words >= QUOTE_WORDS && content.contains(['"', '“', '”', '„', '«', '»']);
    matches.iter().map(|i| &RULES[rules[i]]).find(|rule| {
        words <= rule.max_words && (!quotes || rule.kind == Kind::Tail || rule.id == "tweet")
    })
}

/// Prose the article must have shown before an end marker counts: a
/// "Comments" link in the page header is not the end of the article.
const BODY_BEFORE_TAIL: usize = 400;

/// Lines an appeal opener takes with it at most, in case the text has no
/// blank line to end its paragraph.
const APPEAL_LINES: usize = 8;

/// A rule id (or [`super::corpus::REPEATED`]) as one byte, for pass 1's
/// records.
pub(super) fn code(id: &'static str) -> u8 {
    match RULES.iter().position(|rule| rule.id == id) {
        Some(i) => i as u8,
        None => {
            debug_assert_eq!(id, super::corpus::REPEATED);
            u8::MAX
        }
    }
}

/// The rule id of a [`code`].
pub(super) fn rule_of(code: u8) -> Option<&'static str> {
    match code {
        u8::MAX => Some(super::corpus::REPEATED),
        i => RULES.get(usize::from(i)).map(|rule| rule.id),
    }
}

/// Marks every line a rule removes.
pub(super) fn apply(lines: &mut [Line]) {
    let mut appeal: Option<(&'static str, usize)> = None;
    let mut body_chars = 0;
    for i in 0..lines.len() {
        let line = &mut lines[i];
        if line.text.is_empty() {
            appeal = None;
            continue;
        }
        if line.removed_by.is_some() {
            continue;
        }
        if let Some((id, left)) = appeal {
            line.removed_by = Some(id);
            appeal = (left > 1).then_some((id, left - 1));
            continue;
        }
        let Some(rule) = first_match(line.text) else {
            if line.is_long() {
                body_chars += line.chars;
            }
            continue;
        };
        line.removed_by = Some(rule.id);
        match rule.kind {
            Kind::Line => {}
            Kind::Paragraph => appeal = Some((rule.id, APPEAL_LINES)),
            // A marker in a list is a button in a share bar or a menu.
            Kind::Tail if body_chars >= BODY_BEFORE_TAIL && !is_list_item(line.text) => {
                for rest in &mut lines[i + 1..] {
                    if !rest.text.is_empty() && rest.removed_by.is_none() {
                        rest.removed_by = Some(rule.id);
                    }
                }
                return;
            }
            Kind::Tail => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::Line;

    /// The index in [`RULES`] of the rule that removes `line`.
    fn rule_index(line: &str) -> Option<usize> {
        first_match(line).map(|rule| {
            RULES
                .iter()
                .position(|r| std::ptr::eq(r, rule))
                .expect("a rule of the table")
        })
    }

    /// The rule the whole table finds for `line`: what the tiers must give.
    fn by_whole_table(line: &str) -> Option<usize> {
        let content = without_bullet(line);
        let (set, rules) = set(0);
        let words = content.split_whitespace().count();
        let quotes = words >= QUOTE_WORDS && content.contains(['"', '“', '”', '„', '«', '»']);
        set.matches(content).iter().map(|i| rules[i]).find(|&i| {
            let rule = &RULES[i];
            words <= rule.max_words && (!quotes || rule.kind == Kind::Tail || rule.id == "tweet")
        })
    }

    #[test]
    fn a_line_of_any_length_meets_the_rules_the_whole_table_would_apply() {
        // Lines of furniture padded to every length around the tiers'
        // bounds, spaced by ASCII and by no-break spaces.
        let cores = [
            "pic.twitter.com/AbC123",
            "We use cookies to improve your experience",
            "Leave a Reply",
            "Sign up for our newsletter",
            "* * *",
            "",
        ];
        for core in cores {
            for pad in 0..90 {
                for space in [" ", "\u{a0}"] {
                    let line = std::iter::once(core)
                        .chain(std::iter::repeat_n("word", pad))
                        .collect::<Vec<_>>()
                        .join(space);
                    let line = line.trim();
                    assert_eq!(rule_index(line), by_whole_table(line), "{line:?}");
                }
            }
        }
    }

    /// One test per rule id: every example line is removed by that rule (and
    /// by no earlier one); together the examples exercise every table entry.
    macro_rules! rule_tests {
        ($($name:ident: $id:literal => [$($line:literal),+ $(,)?];)+) => {
            $(
                #[test]
                fn $name() {
                    for line in [$($line),+] {
                        assert_eq!(first_match(line).map(|r| r.id), Some($id), "{line:?}");
                    }
                }
            )+

            #[test]
            fn every_rule_has_examples() {
                let hit: Vec<usize> = [$($($line),+),+].into_iter().filter_map(rule_index).collect();
                for (i, rule) in RULES.iter().enumerate() {
                    assert!(hit.contains(&i), "rule {i} ({}) has no example", rule.id);
                }
            }
        };
    }

    rule_tests! {
        comments: "comments" => [
            "Leave a Reply",
            "34 Comments",
            "[ 167 comments ]",
            "34 responses to “ Anthony Lynn: “We needed to win this game” ”",
            "10 thoughts on “Business Focus: It’s Why Some People Triumph Online and Others Never Make It”",
            "Top Rated Comments",
            "Comments are closed.",
            "Kommentare",
        ];
        appeal: "appeal" => [
            "A Message from The Moscow Times:",
            "Dear readers,",
            "Support independent journalism",
            "Enjoying ad-free content?",
            "Support us",
            "Our journalism is banned in Russia. We need your help to keep providing you with the truth.",
            "Not ready to support today?",
            "Remind me later.",
            "Since July 1, 2024, we have disabled all ads to improve your reading experience.",
            "Donate now",
        ];
        newsletter: "newsletter" => [
            "Sign up for our daily briefing newsletter",
            "Click here to subscribe to the Paradigm newsletter",
            "We don’t spam! Read our privacy policy for more info.",
            "No spam, we promise. You can unsubscribe at any time.",
            "Brasov-Romania News To Your Inbox!",
            "Newsletter sign-up",
            "Subscribe now",
        ];
        comment_form: "comment-form" => [
            "Your email address will not be published. Required fields are marked *",
            "Save my name, email, and website in this browser for the next time I comment.",
            "13. C. M. says:",
            "thelastchargersfan says:",
            "Olivia (GiveWell) on October 4, 2018 at 10:58 am said:",
            "Reply",
        ];
        tweet: "tweet" => [
            "President Biden speaks on the phone with President Putin earlier today. pic.twitter.com/8CjCdIPl5k",
            "Yes this is real and yes the state spent nearly half a million dollars on it: https://t.co/Nc0nKoXGBP",
            "— The White House (@WhiteHouse) December 30, 2021",
            "- Rep. Ilhan Omar (@Ilhan) November 19, 2019",
        ];
        url: "url" => [
            "https://www.themoscowtimes.com/author/evan-gershkovich-for-afp",
            "www.example.com/news",
            "@WhiteHouse",
        ];
        share: "share" => [
            "Share on Facebook Twitter WhatsApp",
            "Facebook Twitter Pinterest Email",
            "258 Shares",
            "* Click to share on Twitter (Opens in new window)",
            "Follow us on Instagram",
        ];
        read_more: "read-more" => [
            "Read more",
            "Related article: U.S., Russia to Hold Security, Ukraine Talks Early January in Geneva",
            "Related: Ukraine | Russia | NATO | United States",
            "Read More »»",
            "More from the Los Angeles Times",
            "You may also like",
            "Continue reading the main story",
            "Читайте также: Путин провел переговоры",
        ];
        byline: "byline" => [
            "Editor : A.C.",
            "Source Link",
            "By Staff Writer | Published 31 December 2021, 07:15",
            "By Amy Kuperinsky | NJ Advance Media for NJ.com",
            "By Jane Doe and John Roe",
            "Posted by Michael David Smith on November 19, 2019, 6:21 AM EST",
            "Published: March 13, 2013",
            "Text: Венера Ерофеева · 24 сентября 2018",
        ];
        caption: "caption" => [
            "Russian President Vladimir Putin. kremlin.ru",
            "The oxygen bar, 'consists of an oxygen concentrator'. (Photo Credit : PTI File Photo )",
            "Getty Images",
            "Photo credit: AP",
            "Crowds gather outside the court on Monday. AP/Jane Doe",
        ];
        copyright: "copyright" => [
            "© 2021 The Harbourside Daily News. All rights reserved.",
            "Copyright © 2019 Dow Jones & Company, Inc.",
            "CBS Sports is a registered trademark of CBS Broadcasting Inc.",
        ];
        policy: "policy" => [
            "This website uses cookies to improve your experience.",
            "Registration on or use of this site constitutes acceptance of our User Agreement and Privacy Policy",
            "Your California Privacy Rights",
            "Privacy Policy | Terms of Use",
        ];
        navigation: "navigation" => [
            "Home",
            "* Contact Us",
            "Skip to main content",
            "Back To Top",
            "Advertisement",
            "Impressum",
            "Home | World | Europe | Politics | Business | Opinion",
            "About / Advertise / Tip Us / Contact",
        ];
        timestamp: "timestamp" => ["32M ago", "2 days ago", "an hour ago"];
        tags: "tags" => ["Tags: Ukraine, Russia", "Filed under: Politics"];
        no_words: "no-words" => ["×", "*", "—", "|"];
    }

    /// Lines of reporting that look a little like furniture.
    #[test]
    fn reporting_is_left_alone() {
        for line in [
            "By Monday, officials had counted 300 ballots.",
            "By the time she arrived, the shop was closed.",
            "\"We need your help to find him,\" police said.",
            "\"It costs us $5,000 a month to keep the shelter open,\" the director said.",
            "\"We have updated our privacy policy to comply with the law,\" a spokesman said.",
            "Voters must register by Friday to receive alerts about polling stations.",
            "The firm is making a donation of $1m to the relief fund.",
            "Users must accept the terms before the update installs.",
            "Facebook updated its privacy policy on Tuesday.",
            "Scammers send fake invoices to your inbox.",
            "No comment.",
            "12 replies to the consultation were received by the council.",
            "Dear friends,",
            "A message from the president",
            "Playboy founder Hugh Hefner said:",
            "Related to the case, police arrested two men.",
            "Recommended daily intake is 2,000 calories.",
            "More than 100 people were killed.",
            "Home prices rose 5% in March.",
            "Photo finish decides the race",
            "Updated figures show unemployment fell.",
            "Comment",
            "The 1961 Dallas Texans rushed for 398 yards against Houston (10 / 1 / 61) and the’ 66 squad gained 380 yards.",
            "Unemployment rose to 5% in March (source: ONS)",
            "Conversational mood",
            "U.S. support for Ukraine",
            "Putin Says 'Effective Dialogue' With U.S. Possible",
            "Biden and Putin end the year with a charged phone conversation | abroad",
        ] {
            assert_eq!(first_match(line).map(|r| r.id), None, "{line:?}");
        }
    }

    fn removed(text: &str) -> Vec<Option<&'static str>> {
        let mut lines: Vec<Line> = text.lines().map(Line::new).collect();
        apply(&mut lines);
        lines.iter().map(|line| line.removed_by).collect()
    }

    const BODY: &str = "The council voted on Tuesday to extend the tram line to the eastern \
        districts, a project that has been debated for more than ten years and that its \
        supporters say will cut commuting times across the city by a third. Work is to \
        begin next spring and should take about four years, officials said.";

    #[test]
    fn an_end_marker_after_the_body_removes_the_rest() {
        let text = format!("{BODY}\n{BODY}\nLeave a Reply\nGreat article!\n\nSo true.");
        assert_eq!(
            removed(&text),
            [
                None,
                None,
                Some("comments"),
                Some("comments"),
                None,
                Some("comments")
            ]
        );
    }

    #[test]
    fn an_end_marker_in_a_list_is_a_button() {
        let text = format!("{BODY}\n{BODY}\n* Facebook\n* Comments\n{BODY}");
        assert_eq!(
            removed(&text),
            [None, None, Some("share"), Some("comments"), None]
        );
    }

    #[test]
    fn an_end_marker_before_the_body_removes_only_itself() {
        let text = format!("34 Comments\n{BODY}");
        assert_eq!(removed(&text), [Some("comments"), None]);
    }

    #[test]
    fn an_appeal_opener_takes_its_paragraph() {
        let text = format!("Enjoying ad-free content?\nKeep us going.\n\n{BODY}");
        assert_eq!(removed(&text), [Some("appeal"), Some("appeal"), None, None]);
        let unbroken = format!("Support us\n{}", "Reporting goes on.\n".repeat(10));
        let removed = removed(&unbroken);
        assert_eq!(removed.iter().flatten().count(), 1 + APPEAL_LINES);
    }
}
