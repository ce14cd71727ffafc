//! Small line icons drawn inline as SVG, so nothing is fetched at run time.

use yew::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IconName {
    Leads,
    Pool,
    Pipeline,
    Journeys,
    Dashboards,
    Settings,
    SignOut,
    Plus,
    Copy,
    Alert,
    Check,
    Key,
    Users,
    Compass,
    Search,
    ArrowLeft,
    Info,
    Forms,
    ArrowUp,
    ArrowDown,
    External,
    Trash,
    Clock,
    Scoring,
    Routing,
    Bell,
    Activity,
}

impl IconName {
    fn paths(self) -> Html {
        match self {
            IconName::Leads => html! { <>
                <path d="M8 6h12M8 12h12M8 18h12" />
                <circle cx="4" cy="6" r="1" /><circle cx="4" cy="12" r="1" /><circle cx="4" cy="18" r="1" />
            </> },
            IconName::Pool => html! { <>
                <path d="M3 13h5l2 3h4l2-3h5" />
                <path d="M5.5 5h13L21 13v6H3v-6z" />
            </> },
            IconName::Pipeline => html! { <>
                <rect x="3" y="4" width="5" height="16" rx="1" />
                <rect x="10" y="4" width="5" height="11" rx="1" />
                <rect x="17" y="4" width="4" height="7" rx="1" />
            </> },
            IconName::Journeys => html! { <>
                <circle cx="6" cy="5" r="2" />
                <path d="M6 7v5a4 4 0 0 0 4 4h8" />
                <path d="M15 13l3 3-3 3" />
            </> },
            IconName::Dashboards => html! { <>
                <path d="M3 20h18" />
                <path d="M6 16v-5M11 16V6M16 16v-8M20 16v-3" />
            </> },
            IconName::Settings => html! { <>
                <path d="M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1" />
                <circle cx="15" cy="6" r="2" /><circle cx="9" cy="12" r="2" /><circle cx="17" cy="18" r="2" />
            </> },
            IconName::SignOut => html! { <>
                <path d="M14 4h5v16h-5" />
                <path d="M10 8l-4 4 4 4M6 12h10" />
            </> },
            IconName::Plus => html! { <path d="M12 5v14M5 12h14" /> },
            IconName::Copy => html! { <>
                <rect x="9" y="9" width="11" height="11" rx="2" />
                <path d="M5 15V5a1 1 0 0 1 1-1h9" />
            </> },
            IconName::Alert => html! { <>
                <circle cx="12" cy="12" r="9" />
                <path d="M12 7.5v5.5M12 16.5v.01" />
            </> },
            IconName::Check => html! { <path d="M5 12.5l4.5 4.5L19 7.5" /> },
            IconName::Key => html! { <>
                <circle cx="8" cy="15" r="4" />
                <path d="M11 12l9-9M16 7l3 3M14 9l2 2" />
            </> },
            IconName::Users => html! { <>
                <circle cx="9" cy="8" r="3.5" />
                <path d="M2.5 20c.8-3.5 3.4-5.5 6.5-5.5s5.7 2 6.5 5.5" />
                <path d="M16 4.5a3.5 3.5 0 0 1 0 7M18.5 14.8c1.6.8 2.6 2.6 3 5.2" />
            </> },
            IconName::Search => html! { <>
                <circle cx="11" cy="11" r="6.5" />
                <path d="M16 16l4.5 4.5" />
            </> },
            IconName::ArrowLeft => html! { <path d="M19 12H5M11 6l-6 6 6 6" /> },
            IconName::Info => html! { <>
                <circle cx="12" cy="12" r="9" />
                <path d="M12 11v5.5M12 7.5v.01" />
            </> },
            IconName::Forms => html! { <>
                <rect x="4" y="3" width="16" height="18" rx="2" />
                <path d="M8 8h8M8 12h8M8 16h4" />
            </> },
            IconName::ArrowUp => html! { <path d="M12 19V5M6 11l6-6 6 6" /> },
            IconName::ArrowDown => html! { <path d="M12 5v14M6 13l6 6 6-6" /> },
            IconName::External => html! { <>
                <path d="M14 4h6v6M20 4l-9 9" />
                <path d="M18 14v5a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1V7a1 1 0 0 1 1-1h5" />
            </> },
            IconName::Trash => {
                html! { <path d="M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" /> }
            }
            IconName::Clock => html! { <>
                <circle cx="12" cy="12" r="9" />
                <path d="M12 7v5l3 2" />
            </> },
            IconName::Routing => html! { <>
                <circle cx="5" cy="12" r="2" /><circle cx="19" cy="5" r="2" /><circle cx="19" cy="19" r="2" />
                <path d="M7 12h4l6-6M11 12l6 6" />
            </> },
            IconName::Scoring => html! { <>
                <path d="M3.5 17a8.5 8.5 0 1 1 17 0" />
                <path d="M12 17l4.5-5.5" />
                <path d="M6.5 12.5l1.2.7M12 8.5V10M17.5 12.5l-1.2.7" />
            </> },
            IconName::Bell => html! { <>
                <path d="M6 16.5V11a6 6 0 0 1 12 0v5.5l1.5 1.5h-15z" />
                <path d="M10 20.5a2 2 0 0 0 4 0" />
            </> },
            IconName::Activity => html! { <path d="M3 12h4l3-7 4 14 3-7h4" /> },
            IconName::Compass => html! { <>
                <circle cx="12" cy="12" r="9" />
                <path d="M15.5 8.5l-2 5-5 2 2-5z" />
            </> },
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct IconProps {
    pub name: IconName,
    #[prop_or(16)]
    pub size: u32,
}

/// A decorative icon: hidden from screen readers, the adjacent text carries the meaning.
#[component]
pub fn Icon(props: &IconProps) -> Html {
    let size = props.size.to_string();
    html! {
        <svg class="icon" width={size.clone()} height={size} viewBox="0 0 24 24" fill="none"
             stroke="currentColor" stroke-width="1.75" stroke-linecap="round"
             stroke-linejoin="round" aria-hidden="true" focusable="false">
            { props.name.paths() }
        </svg>
    }
}
