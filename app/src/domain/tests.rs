use super::*;
use chrono::NaiveDate;

fn sample_app() -> App {
    App {
        slug: "dino-math".into(),
        name: "Dino Math".into(),
        developer: "Acorn Studios".into(),
        description: "Count with dinosaurs.".into(),
        platforms: vec![Platform::Ios, Platform::Web],
        price_cents: 0,
        categories: vec![Category::Math],
        min_age: 5,
        max_age: None,
        learning_rating: 4,
        facts: AppFacts { money: Money { ads: Ads::OwnOnly, ..Default::default() }, ..Default::default() },
        rating_avg: 4.5,
        rating_count: 10,
        released: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        updated: NaiveDate::from_ymd_opt(2021, 1, 1).unwrap(),
    }
}

#[test]
fn empty_query_string_is_the_default_query() {
    assert_eq!(CatalogQuery::from_query_str("").unwrap(), CatalogQuery::default());
    assert_eq!(CatalogQuery::from_query_str("?").unwrap(), CatalogQuery::default());
    assert_eq!(CatalogQuery::default().to_query_string(), "");
    assert_eq!(CatalogQuery::default().href(), "/apps");
}

#[test]
fn every_parameter_round_trips_through_the_url() {
    let q = CatalogQuery {
        age: Some(AgeBand::EarlyReader),
        platform: Some(Platform::Android),
        category: Some(Category::Math),
        price: Some(PriceFilter::Paid),
        max_price_cents: Some(499),
        no_ads: true,
        no_in_app_purchases: true,
        no_data_collection: true,
        min_learning: Some(3),
        chat: Some(ChatLimit::Moderated),
        checks: SafetyCheck::NoTracking.bit() | SafetyCheck::Offline.bit(),
        language: Some(Language::Es),
        accessibility: Some(Accessibility::Captions),
        subject: Some(Subject::Math),
        sort: SortOrder::Newest,
        page: 4,
        per_page: DEFAULT_PER_PAGE,
    };
    let text = q.to_query_string();
    assert_eq!(
        text,
        "age=5-7&platform=android&category=math&price=paid&max_price=4.99&no_ads=1&no_iap=1&no_data=1&min_learning=3\
         &chat=moderated&no_tracking=1&offline=1&lang=es&a11y=captions&subject=math&sort=new&page=4"
    );
    assert_eq!(CatalogQuery::from_query_str(&text).unwrap(), q);
}

#[test]
fn a_plain_get_form_with_empty_fields_parses_like_the_clean_url() {
    let from_form =
        CatalogQuery::from_query_str("age=&platform=ios&category=&price=&min_learning=&sort=&no_ads=1").unwrap();
    let clean = CatalogQuery::from_query_str("platform=ios&no_ads=1").unwrap();
    assert_eq!(from_form, clean);
    assert_eq!(from_form.href(), "/apps?platform=ios&no_ads=1");
}

#[test]
fn ages_accept_bands_single_ages_and_fourteen_plus() {
    let age = |s: &str| CatalogQuery::from_query_str(&format!("age={s}")).map(|q| q.age);
    assert_eq!(age("2-4"), Ok(Some(AgeBand::Toddler)));
    assert_eq!(age("6"), Ok(Some(AgeBand::EarlyReader)));
    assert_eq!(age("14%2B"), Ok(Some(AgeBand::Teen)));
    assert_eq!(age("18"), Ok(Some(AgeBand::Teen)));
    assert!(age("1").is_err());
    assert!(age("19").is_err());
}

#[test]
fn bad_values_name_the_parameter() {
    for (qs, param) in [
        ("age=baby", "age"),
        ("platform=amiga", "platform"),
        ("category=cooking", "category"),
        ("price=cheap", "price"),
        ("max_price=-1", "max_price"),
        ("max_price=1.999", "max_price"),
        ("max_price=5000", "max_price"),
        ("no_ads=maybe", "no_ads"),
        ("min_learning=6", "min_learning"),
        ("sort=random", "sort"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=99999999999", "page"),
        ("platform=ios&platform=web", "platform"),
    ] {
        let err = CatalogQuery::from_query_str(qs).unwrap_err();
        assert_eq!(err.param, param, "{qs}: {err}");
        assert!(err.to_string().contains(param), "message must name the parameter: {err}");
    }
}

#[test]
fn unknown_parameters_are_ignored() {
    let q = CatalogQuery::from_query_str("utm_source=newsletter&platform=web&fbclid=x").unwrap();
    assert_eq!(q.href(), "/apps?platform=web");
}

#[test]
fn prices_parse_as_dollars() {
    let cents = |s: &str| CatalogQuery::from_query_str(&format!("max_price={s}")).unwrap().max_price_cents;
    assert_eq!(cents("5"), Some(500));
    assert_eq!(cents("4.9"), Some(490));
    assert_eq!(cents("%244.99"), Some(499));
    assert_eq!(cents("0"), Some(0));
}

#[test]
fn changing_a_filter_goes_back_to_page_one() {
    let q = CatalogQuery { page: 5, ..Default::default() };
    assert_eq!(q.with(|q| q.no_ads = true).page, 1);
    assert_eq!(q.with_page(6).page, 6);
}

#[test]
fn sanitized_clamps_what_only_the_server_decides() {
    let q = CatalogQuery { per_page: 10_000, page: 0, min_learning: Some(9), ..Default::default() }.sanitized();
    assert_eq!(q.per_page, MAX_PER_PAGE);
    assert_eq!(q.page, 1);
    assert_eq!(q.min_learning, None);
}

#[test]
fn matching_follows_each_filter() {
    let app = sample_app();
    let parse = |s: &str| CatalogQuery::from_query_str(s).unwrap();
    assert!(parse("age=5-7&platform=web&category=math&price=free").matches(&app));
    assert!(!parse("age=2-4").matches(&app));
    assert!(!parse("platform=android").matches(&app));
    assert!(!parse("no_ads=1").matches(&app), "the app shows ads");
    assert!(parse("no_iap=1&no_data=1").matches(&app));
    assert!(parse("min_learning=4").matches(&app));
    assert!(!parse("min_learning=5").matches(&app));
    assert!(!parse("price=paid").matches(&app));
    assert!(parse("max_price=0").matches(&app));
}

#[test]
fn a_change_that_moves_an_app_between_filtered_listings_is_a_listing_change() {
    let before = sample_app();
    let parse = |s: &str| CatalogQuery::from_query_str(s).unwrap();
    type Change = fn(&mut App);
    let changes: Vec<(&str, Change)> = vec![
        ("chat=none", |a| a.facts.interaction.chat = Chat::Preset),
        ("no_location=1", |a| a.facts.interaction.shares_location = true),
        ("offline=1", |a| a.facts.store.works_offline = true),
        ("no_subscription=1", |a| a.facts.money.model = PriceModel::Subscription),
        ("lang=es", |a| a.facts.store.languages.push(Language::Es)),
        ("a11y=captions", |a| a.facts.store.accessibility.push(Accessibility::Captions)),
        ("subject=math", |a| a.facts.learning.subjects.push(Subject::Math)),
    ];
    for (query, change) in changes {
        let mut after = before.clone();
        change(&mut after);
        let query = parse(query);
        assert_ne!(query.matches(&before), query.matches(&after), "{query:?} tells the two apart");
        assert!(!before.same_listing_fields(&after), "{query:?}: the listings holding the app change");
    }
    let mut described = before.clone();
    described.description = "Count and add with dinosaurs.".into();
    assert!(before.same_listing_fields(&described), "a new description moves the app in no listing");
}

#[test]
fn facet_counts_ignore_their_own_filter_only() {
    let app = sample_app();
    let q = CatalogQuery::from_query_str("platform=android&no_ads=1").unwrap();
    let mut counts = FacetCounts::zeroed();
    counts.add(&q, &app);
    // Fails two filters (platform and no_ads), so no facet counts it.
    assert_eq!(counts, FacetCounts::zeroed());

    let q = CatalogQuery::from_query_str("platform=android").unwrap();
    let mut counts = FacetCounts::zeroed();
    counts.add(&q, &app);
    // Fails only the platform filter: counted under its own platforms, nowhere else.
    assert_eq!(FacetCounts::count_of(&counts.platform, Platform::Ios), 1);
    assert_eq!(FacetCounts::count_of(&counts.platform, Platform::Web), 1);
    assert_eq!(FacetCounts::count_of(&counts.platform, Platform::Android), 0);
    assert_eq!(FacetCounts::count_of(&counts.age, AgeBand::EarlyReader), 0);
}

#[test]
fn app_validation_names_the_field() {
    assert_eq!(sample_app().validate(), Ok(()));
    let bad = |f: &dyn Fn(&mut App)| {
        let mut a = sample_app();
        f(&mut a);
        a.validate().unwrap_err().field
    };
    assert_eq!(bad(&|a| a.slug = "Not A Slug".into()), "slug");
    assert_eq!(bad(&|a| a.name = "  ".into()), "name");
    assert_eq!(bad(&|a| a.platforms.clear()), "platforms");
    assert_eq!(bad(&|a| a.categories.clear()), "categories");
    assert_eq!(bad(&|a| a.min_age = 1), "min_age");
    assert_eq!(bad(&|a| a.learning_rating = 6), "learning_rating");
    assert_eq!(bad(&|a| a.facts.content.violence.score = 9), "violence");
    assert_eq!(bad(&|a| a.max_age = Some(4)), "max_age");
    assert_eq!(bad(&|a| a.price_cents = 299), "price", "a free model has no price");
    assert_eq!(bad(&|a| a.facts.money.loot_boxes = true), "model", "loot boxes in a free app");
    assert_eq!(bad(&|a| a.facts.store.amazon = Some("b0abc".into())), "amazon");
    assert_eq!(bad(&|a| a.facts.privacy.policy_url = Some("javascript:alert(1)".into())), "policy_url");
    let unknown_fact =
        SourceConflict { fact: "money.vibes".into(), source: FactSource::FamigoTest, says: "x".into(), checked: None };
    assert_eq!(bad(&|a| a.facts.conflicts = vec![unknown_fact.clone()]), "conflicts");
    assert_eq!(bad(&|a| a.rating_avg = 5.5), "rating_avg");
    assert_eq!(bad(&|a| a.updated = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap()), "updated");
}

#[test]
fn masks_round_trip() {
    let platforms = vec![Platform::Ios, Platform::Kindle];
    assert_eq!(Platform::from_mask(Platform::mask_of(&platforms)), platforms);
    assert_eq!(Category::from_mask(0), Vec::<Category>::new());
}

#[test]
fn badge_is_stable_and_uses_initials() {
    let (initials, hue) = icon_badge("Dino Math Adventure", "dino-math-adventure");
    assert_eq!(initials, "DM");
    assert_eq!(icon_badge("Dino Math Adventure", "dino-math-adventure").1, hue);
    assert!(hue < 360);
}

#[test]
fn ratings_format_with_one_decimal() {
    assert_eq!(format_rating(4.45), "4.5");
    assert_eq!(format_rating(5.0), "5.0");
    assert_eq!(format_rating(0.0), "0.0");
    assert_eq!(format_rating(3.04), "3.0");
}

#[test]
fn search_query_round_trips_with_its_filters() {
    let q = SearchQuery::from_query_str("?page=2&age=5-7&q=%20dino%20%20math%20&sort=new").unwrap();
    assert_eq!(q.text, "dino math");
    assert_eq!(q.filters.age, Some(AgeBand::EarlyReader));
    assert_eq!(q.sort, SearchSort::By(SortOrder::Newest));
    assert_eq!(q.filters.page, 2);
    assert_eq!(q.to_query_string(), "q=dino+math&age=5-7&sort=new&page=2");
    assert_eq!(SearchQuery::from_query_str(&q.to_query_string()).unwrap(), q);

    let default = SearchQuery::from_query_str("q=owl").unwrap();
    assert_eq!(default.sort, SearchSort::Relevance);
    assert_eq!(SearchQuery::from_query_str("q=owl&sort=relevance").unwrap(), default);
    assert_eq!(SearchQuery::from_query_str("q=owl&sort=top").unwrap().to_query_string(), "q=owl&sort=top");
    assert_eq!(default.href(), "/search?q=owl");
}

#[test]
fn search_query_rejects_what_it_cannot_use() {
    let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
    let err = SearchQuery::from_query_str(&long).unwrap_err();
    assert_eq!(err.param, "q");
    assert!(err.value.len() < 50, "the error quotes only the start of the value");
    assert_eq!(SearchQuery::from_query_str("q=a&q=b").unwrap_err().param, "q");
    assert_eq!(SearchQuery::from_query_str("q=a&age=99").unwrap_err().param, "age");
    assert_eq!(SearchQuery::from_query_str("q=a&sort=loudest").unwrap_err().param, "sort");
}

#[test]
fn words_fold_case_and_accents() {
    assert_eq!(words("Écoute-Moi, DINO!"), vec!["ecoute", "moi", "dino"]);
    assert_eq!(words("  "), Vec::<String>::new());
    assert_eq!(words("恐竜 ABC"), vec!["恐竜", "abc"]);
}

#[test]
fn typos_are_forgiven_by_word_length() {
    assert!(!word_matches("math", "mash", false), "four letters: exact only");
    assert!(word_matches("dinosaur", "dinosuar", false), "a transposition is one typo");
    assert!(!word_matches("dinosaur", "dinosuaro", false));
    assert!(word_matches("minecarft", "minecraft", false));
    assert!(word_matches("mathematics", "mathemtaics", false), "nine letters or more: two typos");
    assert!(word_matches("owl", "owlet", true), "the word being typed matches as a prefix");
    assert!(!word_matches("owl", "owlet", false));
    assert!(!word_matches("brave", "travels", true), "a typo and a completion do not combine");
    assert!(word_matches("brave", "grave", true));
    assert!(word_matches("maths", "math", false), "synonyms match");
    assert!(word_matches("dino", "dinosaur", false), "synonyms match");
}

#[test]
fn highlight_marks_matching_words_and_keeps_the_text() {
    let words = words("dino math");
    let marked = highlight("Dino-Math Adventure", &words);
    let text: String = marked.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(text, "Dino-Math Adventure");
    let hits: Vec<&str> = marked.iter().filter(|m| m.hit).map(|m| m.text.as_str()).collect();
    assert_eq!(hits, vec!["Dino", "Math"]);

    let long = format!("{} the owl sings {}", "word ".repeat(50), "word ".repeat(50));
    let cut = snippet(&long, &["owl".to_string()], 12);
    assert_eq!(cut.first().unwrap().text, "…");
    assert_eq!(cut.last().unwrap().text, "…");
    assert!(cut.iter().any(|m| m.hit && m.text == "owl"));
    let shown: String = cut.iter().map(|m| m.text.as_str()).collect();
    assert!(shown.split_whitespace().count() <= 14, "{shown}");
}

#[test]
fn filter_fields_agree_with_the_app() {
    let app = sample_app();
    let fields = FilterFields::of(&app);
    for qs in ["age=5-7", "platform=android", "no_ads=1", "min_learning=5", "price=paid", "category=math"] {
        let q = CatalogQuery::from_query_str(qs).unwrap();
        assert_eq!(q.fields_match_except(&fields, None), q.matches(&app), "{qs}");
    }
}

#[test]
fn filters_are_read_out_of_the_words() {
    let read =
        |qs: &str| SearchQuery::from_query_str(qs).unwrap().with_filters_from_words().map(|q| q.to_query_string());
    assert_eq!(read("q=free reading app for 4 year olds").as_deref(), Some("q=reading&age=2-4&price=free"));
    assert_eq!(read("q=Toddler+Dino").as_deref(), Some("q=Dino&age=2-4"), "what is left keeps its spelling");
    assert_eq!(read("q=math for 7-year-olds on ipad").as_deref(), Some("q=math&age=5-7&platform=ios"));
    assert_eq!(read("q=ad-free puzzles ages 8-10").as_deref(), Some("q=puzzles&age=8-10&no_ads=1"));
    assert_eq!(read("q=coding no in-app purchases 12yo").as_deref(), Some("q=coding&age=11-13&no_iap=1"));
    assert_eq!(
        read("q=spanish for a 1 year old").as_deref(),
        Some("q=spanish&age=2-4"),
        "younger than the youngest band"
    );
    assert_eq!(read("q=free&age=8-10&page=3").as_deref(), Some("age=8-10&price=free"), "back to page 1");
    assert_eq!(read("q=4 year olds&age=11-13").as_deref(), Some("age=11-13"), "a chosen filter stays as chosen");
    assert_eq!(read("q=dino math"), None, "nothing to read: the search stays as it is");
    assert_eq!(read("q=100 years"), None, "not an age");
    assert_eq!(read("q=free+fall&price=free").as_deref(), Some("q=fall&price=free"));
    assert_eq!(
        read("q=dino games no chat no subscription works offline in spanish").as_deref(),
        Some("q=dino+games&chat=none&no_subscription=1&offline=1&lang=es")
    );
    assert_eq!(
        read("q=minecraft no open chat no loot boxes no tracking").as_deref(),
        Some("q=minecraft&chat=moderated&no_tracking=1&no_loot_boxes=1")
    );
    assert_eq!(read("q=spanish lessons"), None, "a language alone is what the app teaches, not a filter");
    // Read again, a rewritten search has nothing left to read: no redirect loop.
    for qs in ["q=free reading app for 4 year olds", "q=ad free teen games"] {
        let once = SearchQuery::from_query_str(qs).unwrap().with_filters_from_words().unwrap();
        assert_eq!(once.with_filters_from_words(), None, "{qs}");
    }
}

#[test]
fn one_five_star_rating_does_not_outrank_a_hundred_good_ones() {
    assert!(rating_score(5.0, 1) < rating_score(4.6, 100), "one 5★ against a hundred 4.6s");
    assert!(rating_score(4.6, 100) < rating_score(4.7, 100), "with the same count, the average decides");
    assert!(rating_score(5.0, 3) < rating_score(5.0, 30), "more of the same stars count for more");
    assert!(rating_score(1.0, 3) > rating_score(1.0, 30), "and so do more bad ones");
    assert_eq!(rating_score(0.0, 0), RATING_PRIOR_MEAN, "no rating: the prior");
    let app = App { rating_avg: 4.5, rating_count: 12, ..sample_app() };
    assert_eq!(app.rating_score(), (4.5 * 12.0 + 17.5) / 17.0, "the expression SQLite's rating_score column computes");
}

#[test]
fn the_old_flags_are_worked_out_from_the_facts() {
    let mut app = sample_app();
    assert_eq!(app.privacy(), PrivacyFlags { ads: true, ..Default::default() });
    app.facts.interaction.chat = Chat::Moderated;
    app.facts.privacy.data.insert(DataType::Diagnostics, DataUse::NotLinked);
    assert_eq!(app.privacy(), PrivacyFlags { ads: true, ..Default::default() }, "moderated chat, unlinked data");
    app.facts.interaction.chat = Chat::Open;
    app.facts.privacy.data.insert(DataType::Identifiers, DataUse::Tracking);
    app.facts.money.model = PriceModel::Subscription;
    app.facts.money.subscription_cents = Some(799);
    let flags = app.privacy();
    assert!(flags.open_chat && flags.collects_data && flags.in_app_purchases);
    assert_eq!(app.facts.worst_risk(), Some("Open chat with strangers"));
    assert_eq!(app.money_line(), "$7.99 a month · ads for the maker's own apps");
}

#[test]
fn legacy_flags_map_onto_facts_from_an_unknown_source() {
    let flags = LegacyFlags { ads: true, in_app_purchases: true, collects_data: true, open_chat: false };
    let facts = AppFacts::from_legacy([1, 2, 0, 3], flags, 0);
    assert_eq!(facts.money.model, PriceModel::FreeWithPurchases);
    assert_eq!((facts.content.scariness.score, facts.content.consumerism.score), (2, 3));
    assert_eq!(facts.sources, FactSources::default(), "source unknown, never checked");
    let app = App { facts, ..sample_app() };
    assert_eq!(
        app.privacy(),
        PrivacyFlags { ads: true, in_app_purchases: true, collects_data: true, open_chat: false }
    );
    assert_eq!(app.validate(), Ok(()));
    let paid = AppFacts::from_legacy([0; 4], LegacyFlags { in_app_purchases: true, ..Default::default() }, 299);
    let paid = App { price_cents: 299, facts: paid, ..sample_app() };
    assert!(paid.privacy().in_app_purchases, "a paid app with purchases keeps them");
    assert_eq!(paid.validate(), Ok(()));
}

#[test]
fn a_changed_fact_is_recorded_from_what_to_what() {
    let before = sample_app();
    let mut after = before.clone();
    after.facts.money.ads = Ads::ThirdParty;
    after.facts.sources.money.source = FactSource::FamigoTest;
    after.facts.content.violence.note = "A note alone is not a change of fact.".into();
    let on = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let changes = after.fact_changes_since(&before, on);
    assert_eq!(changes.len(), 1, "{changes:?}");
    let change = &changes[0];
    assert_eq!(
        (change.fact.as_str(), change.from.as_str(), change.to.as_str()),
        ("money.ads", "Ads for the maker's own apps", "Third-party ads")
    );
    assert_eq!((change.on, change.source), (on, FactSource::FamigoTest), "no new check: dated the day written");
    assert!(after.fact_changes_since(&after, on).is_empty());

    // A version that brings a newer check is dated by it: that check found the change.
    let checked = NaiveDate::from_ymd_opt(2026, 3, 14).unwrap();
    let mut rechecked = after.clone();
    rechecked.facts.money.ads = Ads::None;
    rechecked.facts.sources.money.checked = Some(checked);
    assert_eq!(rechecked.fact_changes_since(&after, on)[0].on, checked);
    let mut later = rechecked.clone();
    later.facts.money.ads = Ads::RewardedVideo;
    later.facts.sources.money.checked = NaiveDate::from_ymd_opt(2030, 1, 1);
    assert_eq!(later.fact_changes_since(&rechecked, on)[0].on, on, "never dated after the write");
}

#[test]
fn store_ids_are_checked_per_store() {
    assert!(is_app_store_id("1234567890") && !is_app_store_id("id123") && !is_app_store_id("12345"));
    assert!(is_play_package("com.tinyowl.dino_math") && !is_play_package("dino") && !is_play_package("com.1owl.x"));
    assert!(is_asin("B08XYZ1234") && !is_asin("B08xyz1234") && !is_asin("B08"));
    assert!(is_web_url("https://tinyowl.example/privacy") && !is_web_url("http://tinyowl.example"));
    assert!(!is_web_url("https://\"><script>.example") && !is_web_url("https://localhost"));
}

#[test]
fn the_new_filters_name_a_bad_value() {
    let err = CatalogQuery::from_query_str("chat=sometimes").unwrap_err();
    assert_eq!((err.param.as_str(), err.expected.as_str()), ("chat", "expected none or moderated"));
    assert_eq!(CatalogQuery::from_query_str("lang=klingon").unwrap_err().param, "lang");
    assert_eq!(CatalogQuery::from_query_str("no_tracking=maybe").unwrap_err().param, "no_tracking");
    assert_eq!(CatalogQuery::from_query_str("no_tracking=0").unwrap(), CatalogQuery::default());
}

#[test]
fn chat_limits_and_checks_read_the_facts() {
    let mut app = sample_app();
    app.facts.interaction.chat = Chat::Moderated;
    let none = CatalogQuery { chat: Some(ChatLimit::None), ..Default::default() };
    let moderated = CatalogQuery { chat: Some(ChatLimit::Moderated), ..Default::default() };
    assert!(!none.matches(&app) && moderated.matches(&app));
    let offline = CatalogQuery { checks: SafetyCheck::Offline.bit(), ..Default::default() };
    assert!(!offline.matches(&app));
    app.facts.store.works_offline = true;
    assert!(offline.matches(&app));
    app.facts.privacy.data.insert(DataType::Identifiers, DataUse::Tracking);
    let no_tracking = CatalogQuery { checks: SafetyCheck::NoTracking.bit(), ..offline.clone() };
    assert!(!no_tracking.matches(&app), "every check must pass");
}

#[test]
fn best_for_learning_ranks_the_rating_then_the_subjects() {
    let with = |rating: u8, subjects: &[Subject]| {
        let mut app = sample_app();
        app.learning_rating = rating;
        app.facts.learning.subjects = subjects.to_vec();
        app.learning_key()
    };
    assert!(with(4, &[Subject::Math, Subject::Reading]) > with(4, &[Subject::Math]));
    assert!(with(5, &[]) > with(4, Subject::ALL), "the rating comes first");
    assert_eq!(learning_key(5, 40), learning_key(5, 15), "subjects past 15 do not count");
}

#[test]
fn an_alternative_is_better_on_one_risk_and_worse_on_none() {
    let app = sample_app(); // the maker's own ads, nothing else
    let mut no_ads = sample_app();
    no_ads.slug = "dino-count".into();
    no_ads.facts.money.ads = Ads::None;
    assert!(is_alternative(&no_ads, &app));
    assert_eq!(improvements(&no_ads, &app), vec!["No ads"]);

    let mut trade = no_ads.clone();
    trade.facts.interaction.chat = Chat::Moderated;
    assert!(!is_safer(&trade, &app), "no ads but chat is a trade, not an improvement");
    assert!(!is_safer(&app, &app), "an app is not safer than itself");

    let mut other_band = no_ads.clone();
    other_band.min_age = 9;
    assert!(!is_alternative(&other_band, &app));
    let mut other_category = no_ads.clone();
    other_category.categories = vec![Category::Music];
    assert!(!is_alternative(&other_category, &app));
}

#[test]
fn alternative_queries_find_exactly_the_safer_apps() {
    let mut app = sample_app();
    app.categories = vec![Category::Math, Category::Games];
    app.facts.interaction.chat = Chat::Open;
    app.facts.money.loot_boxes = true;
    // Every combination of the four risks' levels, in both categories.
    let mut others = Vec::new();
    for n in 0..(3u32.pow(4) * 2) {
        let mut other = sample_app();
        other.slug = format!("other-{n}");
        other.categories = vec![if n % 2 == 0 { Category::Math } else { Category::Games }];
        let level = |k: u32| (n / 2 / 3u32.pow(k)) % 3;
        other.facts.money.ads = [Ads::None, Ads::OwnOnly, Ads::ThirdParty][level(0) as usize];
        other.facts.money.purchases = level(1) >= 1;
        other.facts.money.loot_boxes = level(1) == 2;
        match level(2) {
            0 => {}
            1 => {
                other.facts.privacy.data.insert(DataType::Usage, DataUse::Linked);
            }
            _ => {
                other.facts.privacy.data.insert(DataType::Identifiers, DataUse::Tracking);
            }
        }
        other.facts.interaction.chat = [Chat::None, Chat::Moderated, Chat::Open][level(3) as usize];
        others.push(other);
    }
    let found: std::collections::BTreeSet<&str> = alternative_queries(&app, 60)
        .iter()
        .flat_map(|q| others.iter().filter(move |o| q.matches(o)))
        .map(|o| o.slug.as_str())
        .collect();
    let safer: std::collections::BTreeSet<&str> =
        others.iter().filter(|o| is_alternative(o, &app)).map(|o| o.slug.as_str()).collect();
    assert_eq!(found, safer);
    // No worse: ads none or own (2), any purchases (3), no personal data (1), any chat (3);
    // minus the one equal to the app, in each of the two categories.
    assert_eq!(safer.len(), 2 * (2 * 3 * 3 - 1));
}

#[test]
fn compare_marks_differences_and_the_best_value() {
    let a = sample_app();
    let mut b = sample_app();
    b.slug = "dino-count".into();
    b.facts.money.ads = Ads::ThirdParty;
    b.learning_rating = 5;
    let rows = compare_rows(&[a, b]);
    let row = |label: &str| rows.iter().find(|r| r.label == label).unwrap_or_else(|| panic!("row {label}"));
    assert!(row("Ads").differs);
    assert_eq!(row("Ads").best, vec![true, false], "the maker's own ads beat third-party ads");
    assert_eq!(row("Learning").best, vec![false, true]);
    assert!(!row("Ages").differs);
    assert_eq!(row("Ages").best, vec![false, false], "no best where all agree");
    assert_eq!(row("Chat").values, vec!["No chat", "No chat"]);
}

#[test]
fn a_compare_list_names_what_is_wrong() {
    assert_eq!(parse_compare_list("a, b,a").unwrap(), vec!["a", "b"], "spaces and repeats ignored");
    let err = parse_compare_list("a").unwrap_err();
    assert_eq!((err.param.as_str(), err.value.as_str()), ("apps", "a"));
    assert!(err.expected.contains("2 to 4"), "{err:?}");
    assert!(parse_compare_list("a,b,c,d,e").is_err());
    let err = parse_compare_list("a,Bad Slug").unwrap_err();
    assert_eq!(err.value, "Bad Slug");
    assert_eq!(compare_href(&["a".into(), "b".into()]), "/compare?apps=a,b");
}
