//! The title screen: the main menu, the campaign and free-play lists, opening a scenario file
//! and the settings page. Choosing a scenario opens its briefing; a file is read by the event
//! loop (`Effect::OpenFile`) and comes back as `Msg::Opened`.

use super::super::action::Action;
use super::super::app::{App, Effect, MAIN_ITEMS, Menu, MenuPage};
use super::super::theme::Theme;
use crate::store::ThemeName;
use std::path::PathBuf;

pub(super) fn on_action(app: &mut App, action: Action) -> Vec<Effect> {
    let count = match app.menu.page {
        MenuPage::Main => MAIN_ITEMS.len(),
        MenuPage::Campaign | MenuPage::FreePlay => crate::scenario::BUILTIN.len(),
        MenuPage::Settings => 4,
        MenuPage::Open => 0,
    };
    match action {
        Action::Up => app.menu.cursor = app.menu.cursor.saturating_sub(1),
        Action::Down => app.menu.cursor = (app.menu.cursor + 1).min(count.saturating_sub(1)),
        Action::Help => return app.help(),
        Action::Back => {
            app.menu.page = MenuPage::Main;
            app.menu.cursor = 0;
            app.menu.error = None;
        }
        Action::Quit if app.menu.page == MenuPage::Main => return vec![Effect::Quit],
        Action::Quit => app.menu.page = MenuPage::Main,
        Action::Left | Action::Right | Action::Select if app.menu.page == MenuPage::Settings => {
            return change_setting(app, action);
        }
        Action::Select => return select(app),
        _ => {}
    }
    vec![]
}

fn select(app: &mut App) -> Vec<Effect> {
    match app.menu.page {
        MenuPage::Main => {
            let page = match app.menu.cursor {
                0 => MenuPage::Campaign,
                1 => MenuPage::FreePlay,
                2 => MenuPage::Open,
                3 => MenuPage::Settings,
                4 => {
                    app.open_daily(&app.today());
                    return vec![];
                }
                _ => return vec![Effect::Quit],
            };
            app.menu = Menu { page, cursor: 0, path: app.menu.path.clone(), error: None };
        }
        MenuPage::Campaign | MenuPage::FreePlay => {
            let i = app.menu.cursor;
            if app.menu.page == MenuPage::Campaign && !app.unlocked(i) {
                let id = crate::scenario::BUILTIN[i].0;
                let missing = crate::scenario::campaign::still_locked_by(id, |s| app.profile.is_completed(s));
                app.menu.error = Some(format!("locked: finish {} first (the chapter before)", missing.join(", ")));
                return vec![];
            }
            let (id, ..) = crate::scenario::BUILTIN[i];
            match crate::scenario::builtin(id) {
                Some(Ok(spec)) => app.open(spec, crate::store::ScenarioRef::Builtin(id.to_string())),
                Some(Err(e)) => app.menu.error = Some(e.to_string()),
                None => {}
            }
        }
        MenuPage::Open => {
            let path = app.menu.path.trim().to_string();
            if path.is_empty() {
                app.menu.error = Some("type the path of a .ron scenario file".into());
            } else {
                return vec![Effect::OpenFile(PathBuf::from(path))];
            }
        }
        MenuPage::Settings => {}
    }
    vec![]
}

fn change_setting(app: &mut App, action: Action) -> Vec<Effect> {
    let s = &mut app.settings;
    match app.menu.cursor {
        0 => s.theme = if s.theme == ThemeName::Default { ThemeName::HighContrast } else { ThemeName::Default },
        1 => s.ascii = !s.ascii,
        3 => s.bell = !s.bell,
        _ => {
            let speeds = super::super::game::SPEEDS;
            let i = speeds.iter().position(|x| *x == s.speed).unwrap_or(0);
            let j = if action == Action::Left { i.saturating_sub(1) } else { (i + 1) % speeds.len() };
            s.speed = speeds[j];
        }
    }
    app.theme = Theme::new(app.settings.theme, app.settings.ascii, app.no_color);
    vec![Effect::SaveSettings]
}
