//! Every word the SPA shows, in English and Simplified Chinese.
//!
//! Pages never hold literal text: they ask for a [`Key`] through [`use_i18n`] (or the
//! plain function [`t`]). The table below is the only place a translation lives, so a
//! missing language is caught by the unit test at the bottom, not by a user.
//!
//! The language starts from what the user chose before (localStorage), else from the
//! browser (`navigator.language` starting with `zh` gives zh-CN), else English.

use gloo::storage::{LocalStorage, Storage};
use leadflow_shared::scoring::{LeadField, Operator};
use leadflow_shared::sla::SlaState;
use leadflow_shared::{
    ActivityKind, ActivityOutcome, ApiScope, BehaviourKind, Channel, LeadStage, Role, UserErrorCode,
};
use leadflow_shared::{AssignmentReason, FeedScope};
use yew::prelude::*;

/// Where the chosen language is remembered between visits.
const STORAGE_KEY: &str = "leadflow.lang";

/// A language the UI speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag, used for `<html lang>` and date formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, shown on the switch whatever the current language is.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "EN",
            Lang::ZhCn => "中文",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "en" => Some(Lang::En),
            "zh-CN" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The language for a browser-reported tag such as `zh-TW` or `en-US`.
    pub fn for_browser_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    /// The saved choice, else the browser's language.
    pub fn detect() -> Lang {
        if let Ok(saved) = LocalStorage::get::<String>(STORAGE_KEY) {
            if let Some(lang) = Lang::from_tag(&saved) {
                return lang;
            }
        }
        let browser = gloo::utils::window().navigator().language();
        Lang::for_browser_tag(browser.as_deref().unwrap_or("en"))
    }

    fn persist(self) {
        // Losing the preference (private mode, full storage) only costs a re-pick.
        let _ = LocalStorage::set(STORAGE_KEY, self.tag());
    }
}

macro_rules! translations {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// One piece of UI text. Add a variant here with both languages.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            /// Every key, for the completeness test.
            #[cfg_attr(not(test), allow(dead_code))]
            pub const ALL: &'static [Key] = &[$(Key::$key),*];

            fn texts(self) -> (&'static str, &'static str) {
                match self { $(Key::$key => ($en, $zh)),* }
            }
        }
    };
}

translations! {
    AppName => "Leadflow", "Leadflow";
    AppTagline => "Lead management for sales teams", "面向销售团队的线索管理";
    SkipToContent => "Skip to content", "跳到主要内容";
    MainNavigation => "Main navigation", "主导航";
    Language => "Language", "语言";
    Loading => "Loading…", "加载中…";
    SignOut => "Sign out", "退出登录";

    NavLeads => "Leads", "线索";
    NavPool => "Pool", "公海";
    NavPipeline => "Pipeline", "销售管道";
    NavJourneys => "Journeys", "培育旅程";
    NavDashboards => "Dashboards", "仪表盘";
    NavSettings => "Settings", "设置";

    ComingSoon => "Coming soon", "即将推出";
    PipelineEmptyTitle => "The pipeline board arrives with opportunities", "销售管道看板将随商机功能上线";
    PipelineEmptyHint => "Qualified leads become opportunities and move across stages on this board.", "合格线索转为商机后，将在这块看板上按阶段推进。";
    JourneysEmptyTitle => "Nurture journeys arrive with the journey designer", "培育旅程将随旅程设计器上线";
    JourneysEmptyHint => "Leads that are not ready yet will be nurtured by the email journeys you design here.", "尚未准备购买的线索，将由你在这里设计的邮件旅程持续培育。";
    DashMyPerformance => "My performance", "我的业绩";
    DashRangeSubtitle => "{from} – {to}", "{from} 至 {to}";
    DashUpdated => "Updated {time}", "更新于 {time}";
    DashPrint => "Print", "打印";
    DashCsvHint => "Download these numbers as CSV", "将这些数据下载为 CSV";
    DashFilters => "Dashboard filters", "仪表盘筛选";
    DashRange => "Date range", "日期范围";
    DashThisMonth => "This month", "本月";
    DashLast30Days => "Last 30 days", "最近 30 天";
    DashThisQuarter => "This quarter", "本季度";
    DashThisYear => "This year", "今年";
    DashFrom => "From", "从";
    DashTo => "To", "至";
    DashView => "Whose numbers", "查看范围";
    DashViewTeam => "Whole team", "整个团队";
    DashViewMine => "Mine", "我的";
    DashTeam => "Team", "团队";
    DashAllTeams => "All teams", "全部团队";
    DashRep => "Rep", "销售";
    DashEveryone => "Everyone", "所有人";
    DashSource => "Source", "来源";
    DashAllSources => "All sources", "全部来源";
    DashCampaign => "Campaign", "营销活动";
    DashAllCampaigns => "All campaigns", "全部营销活动";
    DashKpis => "Key numbers", "关键指标";
    DashKpiLeads => "Leads", "线索数";
    DashKpiMql => "MQL", "营销合格线索";
    DashKpiSql => "SQL", "销售合格线索";
    DashKpiWonAmount => "Won amount", "赢单金额";
    DashKpiCpl => "Cost per lead", "单条线索成本";
    DashKpiRoi => "ROI", "投资回报率";
    DashKpiCac => "CAC", "获客成本";
    DashKpiLtv => "LTV", "客户价值";
    DashKpiSpeed => "Median speed-to-lead", "首次响应中位时长";
    DashKpiWithin5m => "Contacted within 5 min", "5 分钟内联系";
    DashKpiWithin1h => "Contacted within 1 h", "1 小时内联系";
    DashOfLeads => "{rate} of leads", "占线索 {rate}";
    DashCustomers => "{n} new customers", "新客户 {n} 个";
    DashSpend => "Spend {amount}", "投入 {amount}";
    DashLtvToCac => "LTV:CAC {x}", "价值/获客成本 {x}";
    DashContacted => "{n} of {total} contacted", "已联系 {n}/{total}";
    DashFunnel => "Funnel", "转化漏斗";
    DashFunnelHint => "Leads captured in the range that reached each step; click a step to see them.", "范围内获取的线索到达各阶段的数量；点击阶段查看对应线索。";
    DashStep => "Step", "阶段";
    DashStepLead => "Leads", "线索";
    DashStepMql => "MQL", "MQL 线索";
    DashStepSql => "SQL", "SQL 线索";
    DashStepOpportunity => "Opportunities", "商机";
    DashStepWon => "Won", "赢单";
    DashFromPrevious => "From previous", "环比上一步";
    DashFromStart => "From start", "总体转化";
    DashTimeInStep => "Median time in step", "阶段停留中位时长";
    DashTrend => "Trend", "趋势";
    DashGroupBy => "Group by", "分组方式";
    DashDay => "Day", "按日";
    DashWeek => "Week", "按周";
    DashMonth => "Month", "按月";
    DashPeriod => "Period", "周期";
    DashShowTable => "Show as a table", "以表格查看";
    DashSources => "Sources and ROI", "来源与投资回报";
    DashSourcesHint => "Leads by source with their won amount; the ring is each source's share.", "各来源的线索数与赢单金额；圆环为各来源占比。";
    DashLeadShare => "Lead share by source", "各来源线索占比";
    DashCost => "Cost", "成本";
    DashCampaigns => "Campaigns", "营销活动";
    DashCampaignTotal => "Total spend {cost} over {n} leads", "总投入 {cost}，共 {n} 条线索";
    DashNoCampaigns => "No leads from campaigns in this range.", "该范围内没有来自营销活动的线索。";
    DashSpeed => "Speed to lead", "首次响应速度";
    DashSpeedHint => "Time from capture to the first call, email or visit.", "从获取线索到首次电话、邮件或拜访的时间。";
    DashMedian => "Median", "中位数";
    DashAverage => "Average", "平均";
    DashSla => "SLA breaches", "SLA 超时";
    DashSlaHint => "First-contact clocks that ran past their reminder.", "超过提醒时间仍未首次联系的计时。";
    DashClocks => "Clocks", "计时数";
    DashBreached => "Breached", "超时";
    DashRate => "Rate", "比例";
    DashNoTeam => "No team", "无团队";
    DashNoClocks => "No first-contact clocks ran in this range.", "该范围内没有首次联系计时。";
    DashNoContacts => "No lead has been contacted yet.", "还没有已联系的线索。";
    DashCycle => "Conversion cycle", "转化周期";
    DashCycleHint => "Created to won: median {median}, average {avg} over {n} wins.", "从创建到赢单：中位 {median}，平均 {avg}，共 {n} 单。";
    DashBySource => "By source (median)", "按来源（中位数）";
    DashByCompanySize => "By company size (median)", "按公司规模（中位数）";
    DashEmployees => "{n} employees", "{n} 人";
    DashSizeUnknown => "Size unknown", "规模未知";
    DashNoWins => "No wins in this range yet.", "该范围内还没有赢单。";
    DashLeaderboard => "Rep leaderboard", "销售排行榜";
    DashContactedCol => "Contacted", "已联系";
    DashConversion => "Conversion", "转化率";
    DashResponse => "Avg. response", "平均响应";
    DashNoReps => "No rep owns leads in this range.", "该范围内没有销售负责线索。";
    DashLost => "Lost reasons", "流失原因";
    DashLostHint => "{n} leads lost", "已流失 {n} 条线索";
    DashNoLost => "No lead from this range was lost.", "该范围内没有流失的线索。";
    DashNoReason => "No reason given", "未填写原因";
    DashNoLeads => "No leads in this range — pick a longer range or clear a filter.", "该范围内没有线索——请选择更长的时间范围或清除筛选。";
    DurSeconds => "{n} s", "{n} 秒";
    DurMinutes => "{n} min", "{n} 分钟";
    DurHours => "{n} h", "{n} 小时";
    DurDays => "{n} d", "{n} 天";
    LeadsDrillBanner => "Showing the leads behind a dashboard number.", "正在查看仪表盘数字对应的线索。";
    LeadsDrillBack => "Back to dashboards", "返回仪表盘";

    NotFoundTitle => "Page not found", "页面不存在";
    NotFoundHint => "The address may be mistyped, or the page has moved.", "地址可能有误，或页面已被移动。";
    GoToLeads => "Go to leads", "前往线索";

    LoginTitle => "Sign in to Leadflow", "登录 Leadflow";
    Email => "Email", "邮箱";
    Password => "Password", "密码";
    SignIn => "Sign in", "登录";
    SigningIn => "Signing in…", "正在登录…";
    LoginHelp => "No account yet? Ask your administrator to create one.", "还没有账号？请联系管理员为你创建。";
    EmailPlaceholder => "name@company.com", "name@company.com";

    ErrInvalid => "This value isn't valid.", "该值无效。";
    ErrRequired => "This is required.", "此项为必填。";
    ErrTaken => "This is already in use.", "该值已被使用。";
    ErrNotFound => "This record no longer exists. Reload and try again.", "该记录已不存在，请刷新后重试。";
    ErrInvalidCredentials => "Email or password is incorrect.", "邮箱或密码不正确。";
    ErrRateLimited => "Too many attempts. Wait a few minutes, then try again.", "尝试次数过多，请等几分钟后再试。";
    ErrTokenInvalid => "Your session has expired. Sign in again.", "会话已过期，请重新登录。";
    ErrConflict => "This conflicts with a recent change. Reload and try again.", "与最近的修改冲突，请刷新后重试。";

    ApiNetworkTitle => "Can't reach the server", "无法连接服务器";
    ApiNetworkHint => "Check your network connection, then try again.", "请检查网络连接，然后重试。";
    ApiUnauthenticatedTitle => "Your session has ended", "登录已失效";
    ApiUnauthenticatedHint => "Sign in again to continue.", "请重新登录后继续。";
    ApiForbiddenTitle => "You don't have access to this", "你没有权限访问此内容";
    ApiForbiddenHint => "If you need it, ask an administrator to change your role.", "如需使用，请联系管理员调整你的角色。";
    ApiBadRequestTitle => "The server rejected the request", "服务器拒绝了该请求";
    ApiBadRequestHint => "Reload the page. If it happens again, tell your administrator.", "请刷新页面；如果仍然出现，请告知管理员。";
    ApiServerTitle => "Something went wrong on the server", "服务器出错了";
    ApiServerHint => "Wait a moment, then try again.", "请稍候再试。";
    ApiDecodeTitle => "The server's answer was not understood", "无法识别服务器的响应";
    ApiDecodeHint => "Reload the page to get the latest version of the app.", "请刷新页面以加载最新版本。";
    Retry => "Try again", "重试";

    SettingsSubtitle => "People, teams and integrations of this workspace", "本工作区的成员、团队与集成";
    TabUsers => "Users", "用户";
    TabTeams => "Teams", "团队";
    TabApiKeys => "API keys", "API 密钥";
    SettingsAdminOnlyTitle => "Only administrators can change settings", "只有管理员可以修改设置";
    SettingsAdminOnlyHint => "Ask an administrator if a user, team or API key needs to change.", "如需调整用户、团队或 API 密钥，请联系管理员。";

    Name => "Name", "姓名";
    Role => "Role", "角色";
    Team => "Team", "团队";
    Capacity => "Capacity", "容量";
    Status => "Status", "状态";
    Actions => "Actions", "操作";
    Created => "Created", "创建时间";
    Regions => "Regions", "负责区域";
    Industries => "Industries", "负责行业";
    CommaSeparated => "Separate several with commas", "多个请用逗号分隔";
    CapacityHint => "Most open leads this person should own at once", "此人同时跟进的线索上限";
    NoTeam => "No team", "无团队";
    StatusActive => "Active", "在职";
    StatusDeactivated => "Deactivated", "已停用";
    RoleAdmin => "Admin", "管理员";
    RoleManager => "Manager", "经理";
    RoleRep => "Sales rep", "销售";
    RoleMarketer => "Marketer", "市场";

    NewUser => "New user", "新建用户";
    EditUser => "Edit user", "编辑用户";
    Create => "Create", "创建";
    Save => "Save", "保存";
    Saving => "Saving…", "保存中…";
    Cancel => "Cancel", "取消";
    Close => "Close", "关闭";
    Edit => "Edit", "编辑";
    Deactivate => "Deactivate", "停用";
    Reactivate => "Reactivate", "启用";
    DeactivateConfirm => "Deactivate {name}? They will no longer be able to sign in.", "确定停用 {name}？停用后将无法登录。";
    UsersEmptyTitle => "No users yet", "还没有用户";
    UsersEmptyHint => "Create the first sales rep so new leads have someone to go to.", "先创建一位销售，新线索才有人接手。";
    UsersCount => "{n} users", "共 {n} 位用户";
    LoadMore => "Load more", "加载更多";
    Live => "Live", "实时";
    LiveHint => "Changes by other administrators appear here as they happen", "其他管理员的修改会实时显示在这里";
    Offline => "Reconnecting…", "正在重连…";
    UserCreated => "{name} can now sign in.", "{name} 现在可以登录了。";
    ChangesSaved => "Changes saved.", "修改已保存。";

    NewTeam => "New team", "新建团队";
    TeamName => "Team name", "团队名称";
    Manager => "Manager", "经理";
    NoManager => "No manager", "未指定经理";
    Members => "Members", "成员";
    TeamsEmptyTitle => "No teams yet", "还没有团队";
    TeamsEmptyHint => "Teams group reps for round-robin routing and decide what each manager sees.", "团队用于轮流分配线索，也决定了每位经理能看到的范围。";
    TeamCreated => "Team {name} created.", "团队 {name} 已创建。";

    ApiKeyNew => "New API key", "新建 API 密钥";
    ApiKeyName => "Key name", "密钥名称";
    ApiKeyNamePlaceholder => "e.g. Website forms", "例如：官网表单";
    Scopes => "Scopes", "权限范围";
    ScopeLeadsRead => "Read leads", "读取线索";
    ScopeLeadsWrite => "Change leads", "修改线索";
    ScopeCapture => "Capture leads and events", "采集线索与行为事件";
    ScopeAssignmentsSubscribe => "Subscribe to assignments", "订阅线索分配";
    ScopesRequired => "Pick at least one scope.", "请至少选择一个权限范围。";
    Prefix => "Prefix", "前缀";
    LastUsed => "Last used", "最近使用";
    Never => "Never", "从未";
    Revoked => "Revoked", "已吊销";
    Revoke => "Revoke", "吊销";
    RevokeConfirm => "Revoke {name}? Integrations using it stop working at once.", "确定吊销 {name}？使用该密钥的集成将立即失效。";
    SecretTitle => "Copy your new key now", "请立即复制新密钥";
    SecretWarning => "This is the only time the secret is shown. Store it in your integration's secret store; if it is lost, revoke it and create a new one.", "密钥只显示这一次。请将其保存到集成的密钥管理中；如果丢失，请吊销并重新创建。";
    Copy => "Copy", "复制";
    Copied => "Copied", "已复制";
    Done => "Done", "完成";
    ApiKeysEmptyTitle => "No API keys yet", "还没有 API 密钥";
    ApiKeysEmptyHint => "Create a key so your website, ad platforms or data warehouse can push and read leads.", "创建密钥后，官网、广告平台或数据仓库即可推送和读取线索。";

    LeadsSubtitle => "Everyone who reached out, from every channel", "来自各个渠道的全部线索";
    NewLead => "New lead", "新建线索";
    LeadsCount => "{n} leads", "共 {n} 条线索";
    LeadsCountOne => "1 lead", "共 1 条线索";
    LeadsShown => "showing {shown}", "已显示 {shown} 条";
    FilterLeads => "Filter leads", "筛选线索";
    SearchLeads => "Search name, company, email or phone", "搜索姓名、公司、邮箱或电话";
    AllSources => "All sources", "全部来源";
    AllStages => "All stages", "全部阶段";
    SortBy => "Sort", "排序";
    SortScore => "Highest score", "评分最高";
    SortNewest => "Newest first", "最新创建";
    SortOldest => "Oldest first", "最早创建";
    SortUpdated => "Recently updated", "最近更新";
    SortActive => "Recent activity", "最近跟进";
    OnlyPool => "Only pool", "只看公海";
    ClearFilters => "Clear filters", "清除筛选";
    Company => "Company", "公司";
    Contact => "Contact", "联系方式";
    Region => "Region", "地区";
    Source => "Source", "来源";
    Stage => "Stage", "阶段";
    Owner => "Owner", "负责人";
    Score => "Score", "评分";
    OwnerPool => "Pool", "公海";
    LeadsEmptyTitle => "No leads yet", "还没有线索";
    LeadsEmptyHint => "Add the first one with New lead, or let your website and tools push leads in through an API key (Settings → API keys).", "点击“新建线索”手动录入第一条，或在 设置 → API 密钥 中创建密钥，让官网和其他系统自动推送线索。";
    LeadsNoMatchTitle => "No leads match these filters", "没有符合筛选条件的线索";
    LeadsNoMatchHint => "Try a shorter search, or clear the filters to see every lead.", "试试更短的搜索词，或清除筛选查看全部线索。";
    PoolSubtitle => "Leads without an owner, waiting for a rep", "尚无负责人、等待销售跟进的线索";
    PoolEmptyTitle => "The pool is empty", "公海里暂时没有线索";
    PoolEmptyHint => "Every lead has an owner. New leads that nobody is assigned to will wait here.", "所有线索都已有负责人。尚未分配的新线索会在这里等待。";

    StageLead => "Lead", "线索";
    StageMql => "MQL", "MQL";
    StageSql => "SQL", "SQL";
    StageOpportunity => "Opportunity", "商机";
    StageCustomer => "Customer", "客户";
    StageLost => "Lost", "已流失";
    StageRecycled => "Recycled", "已回收";
    ChannelWebForm => "Web form", "网站表单";
    ChannelApi => "API", "API";
    ChannelImport => "Import", "导入";
    ChannelPaidAds => "Paid ads", "付费广告";
    ChannelOrganic => "Organic", "自然流量";
    ChannelEvent => "Events", "展会活动";
    ChannelReferral => "Referral", "转介绍";
    ChannelInbound => "Inbound", "来电来访";
    ChannelOutbound => "Outbound", "主动开发";
    ChannelOther => "Other", "其他";

    JobTitle => "Job title", "职位";
    Phone => "Phone", "电话";
    Province => "Province", "省份";
    City => "City", "城市";
    Industry => "Industry", "行业";
    Tags => "Tags", "标签";
    PersonNamePlaceholder => "e.g. Zhang Wei", "例如：张伟";
    ReachHint => "Give an email or a phone number", "邮箱和电话至少填写一项";
    PhonePlaceholder => "e.g. 138 0013 8000", "例如：138 0013 8000";
    LeadCreated => "Lead created.", "线索已创建。";
    LeadMergedBy => "Merged into an existing lead (matched by {by}).", "已合并到现有线索（按{by}匹配）。";
    LeadMerged => "Merged into an existing lead.", "已合并到现有线索。";
    MatchEmail => "email", "邮箱";
    MatchPhone => "phone", "电话";
    MatchCompanyAndName => "company and name", "公司和姓名";

    AllLeads => "All leads", "全部线索";
    LeadFacts => "Details", "基本信息";
    CompanySize => "Company size", "公司规模";
    Employees => "{n} employees", "{n} 人";
    FitScore => "Fit", "匹配度";
    EngagementScore => "Engagement", "活跃度";
    Updated => "Updated", "更新时间";
    Timeline => "Timeline", "动态";
    TimelineEmpty => "Nothing has happened to this lead yet.", "这条线索还没有任何动态。";
    EventCaptured => "Captured", "录入";
    EventCapturedAgain => "Captured again (merged)", "重复录入（已合并）";
    EventAssigned => "Owner changed", "更换负责人";
    EventBy => "by {name}", "操作人：{name}";
    EventVia => "via {source}", "来源：{source}";
    EventMatchedBy => "matched by {by}", "按{by}匹配";
    LeadNotFoundTitle => "This lead does not exist or is not visible to you", "该线索不存在，或你无权查看";
    LeadNotFoundHint => "It may have been merged into another lead or belong to another team. Find it in the list instead.", "它可能已被合并到其他线索，或属于其他团队。请到线索列表中查找。";
    NavForms => "Forms", "表单";
    FormsSubtitle => "Web-to-lead forms for your website", "放到官网上的线索收集表单";
    FormsDesignersOnlyTitle => "Only admins and marketers design forms", "只有管理员和市场人员可以设计表单";
    FormsDesignersOnlyHint => "Ask a marketer if your website needs a new form.", "如果官网需要新的表单，请联系市场同事。";
    NewForm => "New form", "新建表单";
    EditForm => "Edit form", "编辑表单";
    FormName => "Form name", "表单名称";
    FormNamePlaceholder => "e.g. Product demo request", "例如：预约产品演示";
    FormsEmptyTitle => "No forms yet", "还没有表单";
    FormsEmptyHint => "Create a form and put it on your website: visitors who fill it in become leads within seconds.", "创建表单并放到官网上：访客提交后几秒内就会成为线索。";
    FormFields => "Fields", "字段";
    FieldsHint => "The name must be required; ask for an email or a mobile number too.", "姓名必须设为必填，并且至少收集邮箱或手机之一。";
    FieldLabel => "Label", "显示名称";
    Required => "Required", "必填";
    MoveUp => "Move up", "上移";
    MoveDown => "Move down", "下移";
    Remove => "Remove", "移除";
    AddLeadField => "Add a lead field", "添加线索字段";
    AddField => "Add", "添加";
    CustomFieldName => "Custom field", "自定义字段";
    CustomFieldPlaceholder => "e.g. budget", "例如：budget";
    CustomFieldHint => "Kept in the lead's custom fields", "保存在线索的自定义字段中";
    AddCustomField => "Add custom field", "添加自定义字段";
    NoFieldsYet => "No fields yet: add the lead's name first.", "还没有字段：请先添加姓名。";
    AfterSubmit => "After submitting", "提交之后";
    ShowMessage => "Show a thank-you message", "显示感谢语";
    RedirectToUrl => "Go to a page on your site", "跳转到官网页面";
    ThankYouMessage => "Thank-you message", "感谢语";
    ThankYouMessagePlaceholder => "Thanks! We will be in touch shortly.", "感谢提交，我们会尽快与您联系。";
    ThankYouUrl => "Thank-you page address", "感谢页地址";
    AcceptSubmissions => "Accept submissions", "接受提交";
    FormOn => "Live", "已启用";
    FormOff => "Off", "已停用";
    FormSaved => "Form saved.", "表单已保存。";
    HostedPage => "Hosted page", "托管页面";
    HostedPageHint => "A ready-made page at this address: share it or link to it.", "现成的表单页面，可直接分享或链接。";
    OpenPage => "Open", "打开";
    EmbedSnippet => "Embed snippet", "嵌入代码";
    EmbedSnippetHint => "Paste this HTML into any page of your website; it needs no JavaScript.", "将这段 HTML 粘贴到官网任意页面，无需 JavaScript。";
    ShareForm => "Put it on your website", "放到官网";
    SaveFirstHint => "Save the form to get its link and embed snippet.", "保存表单后即可获得链接和嵌入代码。";
    Mobile => "Mobile", "手机";

    LogActivity => "Log activity", "记录跟进";
    ActivityType => "Type", "类型";
    KindCall => "Call", "电话";
    KindEmail => "Email", "邮件";
    KindVisit => "Visit", "拜访";
    KindNote => "Note", "备注";
    Outcome => "Outcome", "结果";
    NoOutcome => "Not set", "未选择";
    OutcomeConnected => "Connected", "已接通";
    OutcomeNoAnswer => "No answer", "无人接听";
    OutcomeLeftMessage => "Left a message", "已留言";
    OutcomeInterested => "Interested", "有意向";
    OutcomeNotInterested => "Not interested", "无意向";
    OutcomeBadContact => "Bad contact details", "联系方式无效";
    NoteLabel => "Notes", "记录内容";
    NotePlaceholder => "What was said, and what comes next", "沟通内容、下一步计划";
    LogIt => "Log it", "记录";
    ActivityLogged => "Activity logged.", "已记录跟进。";
    FirstContacted => "First contacted", "首次联系";
    NotContactedYet => "Not yet", "尚未联系";
    ConflictMessage => "Someone changed this lead meanwhile — reload to see their change", "其他人刚刚修改了这条线索，请重新加载查看他们的修改";
    Reload => "Reload", "重新加载";
    Tasks => "Tasks", "待办";
    TasksEmpty => "No tasks yet. Add one so the next step does not slip.", "暂无待办。添加一条，避免漏掉下一步跟进。";
    TaskTitle => "Task", "待办事项";
    TaskTitlePlaceholder => "e.g. Send the quote", "例如：发送报价";
    DueAt => "Due", "截止时间";
    AddTask => "Add task", "添加待办";
    Overdue => "Overdue", "已逾期";
    DueToday => "Due today", "今天到期";
    DueLater => "Later", "以后";
    MarkDone => "Mark done", "标记完成";
    MyTasks => "My tasks", "我的待办";
    MyTasksEmpty => "Nothing due. Tasks you add on leads appear here.", "暂无待办。在线索上添加的待办会显示在这里。";
    MyTasksCount => "{n} open", "{n} 项未完成";
    DoneAt => "done {when}", "完成于 {when}";

    EventUpdated => "Details edited", "修改了信息";
    EventTaskCreated => "Task added", "添加了待办";
    EventTaskDone => "Task done", "完成了待办";
    EventPageView => "Viewed a page", "浏览了页面";
    EventDownload => "Downloaded", "下载了资料";
    EventWebinarAttended => "Attended a webinar", "参加了网络研讨会";
    EventEmailOpen => "Opened an email", "打开了邮件";
    EventEmailClick => "Clicked a link in an email", "点击了邮件中的链接";
    EventFormSubmit => "Submitted a form", "提交了表单";
    EventCustom => "Custom event", "自定义事件";
    EventChanged => "changed {fields}", "修改了{fields}";
    EventMerged => "Merged", "合并了线索";
    EventMergedCount => "merged {n} lead(s) into this one", "合并了 {n} 条线索";

    ImportCsv => "Import CSV", "导入 CSV";
    ExportCsv => "Export", "导出";
    Exporting => "Exporting…", "正在导出…";
    NavDuplicates => "Duplicates", "重复线索";
    ImportTitle => "Import leads", "导入线索";
    ImportSubtitle => "From a CSV file: trade-show lists, purchased lists, exports from other tools", "从 CSV 文件导入：展会名单、外购名单、其他系统导出的数据";
    ImportersOnlyTitle => "Only admins, managers and marketers import leads", "只有管理员、经理和市场人员可以导入线索";
    ImportersOnlyHint => "Ask one of them to import the file for you.", "请联系他们代为导入。";
    ImportChooseFile => "Choose a CSV file", "选择 CSV 文件";
    ImportFileHint => "UTF-8 or GB18030 (Chinese Excel); the first row holds the column names.", "支持 UTF-8 或 GB18030（中文版 Excel）编码；第一行为列名。";
    ImportUploading => "Uploading {name}…", "正在上传 {name}…";
    ImportTooLarge => "The file is too large for one import", "文件过大，无法一次导入";
    ImportUnreadable => "The file could not be read as CSV", "无法按 CSV 读取该文件";
    ImportUploadGone => "The upload is no longer available; choose the file again.", "上传的文件已失效，请重新选择。";
    ImportEncoding => "Encoding", "编码";
    ImportPreviewRows => "Preview of the first {n} rows", "前 {n} 行预览";
    ImportMapping => "Each column goes to", "各列对应的线索字段";
    ImportIgnore => "Ignore", "忽略";
    ImportDedup => "When a row matches an existing lead", "与已有线索重复时";
    DedupSkip => "Skip", "跳过";
    DedupSkipHint => "Keep the existing lead as it is; the row counts as skipped.", "保留已有线索不变，该行计为跳过。";
    DedupMerge => "Merge", "合并";
    DedupMergeHint => "Fill the existing lead's empty fields from the row.", "用该行数据补全已有线索的空白字段。";
    DedupCreate => "Create new", "新建";
    DedupCreateHint => "Create a new lead anyway.", "仍然新建一条线索。";
    ImportStart => "Start import", "开始导入";
    ImportStarting => "Starting…", "正在启动…";
    ImportChooseAnother => "Choose another file", "重新选择文件";
    ImportRunning => "Importing…", "正在导入…";
    ImportQueued => "Waiting to start…", "等待开始…";
    ImportRowsDone => "{done} of {total} rows", "已处理 {done} / {total} 行";
    ImportCreated => "Created", "新建";
    ImportMerged => "Merged", "合并";
    ImportSkipped => "Skipped", "跳过";
    ImportFailedRows => "Failed", "失败";
    ImportDone => "Import finished", "导入完成";
    ImportFailed => "The import failed", "导入失败";
    ImportRowErrors => "Rows that could not be imported", "未能导入的行";
    ImportRowNumber => "Row {n}", "第 {n} 行";
    ImportDownloadErrors => "Download error rows", "下载错误行";
    ImportViewLeads => "View leads", "查看线索";
    ImportAnother => "Import another file", "导入其他文件";
    ImportReconnecting => "Connection lost; reconnecting…", "连接中断，正在重连…";

    DuplicatesSubtitle => "Leads that are probably the same person", "可能是同一个人的线索";
    DuplicatesEmptyTitle => "No duplicates found", "没有发现重复线索";
    DuplicatesEmptyHint => "Leads that share an email, a mobile number, or a company and name show up here.", "邮箱、手机相同，或公司和姓名都相同的线索会显示在这里。";
    DuplicateReason => "Matched by", "匹配依据";
    Review => "Review", "比对";
    MergeTitle => "Compare and merge", "比对并合并";
    MergeHint => "Pick the value each field keeps and the lead that lives on; the other one's history moves to it.", "为每个字段选择保留的值，并选择保留哪条线索；另一条的动态会并入其中。";
    MergeField => "Field", "字段";
    LeadA => "Lead A", "线索 A";
    LeadB => "Lead B", "线索 B";
    KeepLead => "Keep this lead", "保留这条线索";
    MergeLeads => "Merge", "合并";
    Merging => "Merging…", "正在合并…";

    SelectAllRows => "Select every lead on this page", "选择本页全部线索";
    SelectRow => "Select {name}", "选择 {name}";
    BulkActions => "Actions on the selected leads", "对所选线索的操作";
    BulkSelected => "{n} selected", "已选 {n} 条";
    BulkClear => "Clear", "清除选择";
    BulkAssign => "Assign…", "分配…";
    BulkTag => "Tag…", "打标签…";
    AssignTitle => "Assign {n} leads", "分配 {n} 条线索";
    AssignOwner => "New owner", "新负责人";
    AssignChoose => "Choose a person…", "请选择负责人…";
    AssignToPool => "Back to the pool", "退回公海";
    AssignNote => "Note (optional)", "备注（可选）";
    AssignNoteHint => "Saved on each lead's timeline", "会记录在每条线索的动态中";
    AssignSubmit => "Assign", "分配";
    AssignNoPeople => "Nobody to assign to yet.", "暂无可分配的人员。";
    AssignedNotice => "{n} leads assigned to {name}.", "已将 {n} 条线索分配给 {name}。";
    ReleasedNotice => "{n} leads returned to the pool.", "已将 {n} 条线索退回公海。";
    TagTitle => "Tag {n} leads", "为 {n} 条线索打标签";
    TagAdd => "Tags to add", "要添加的标签";
    TagRemove => "Tags to remove", "要移除的标签";
    TagSubmit => "Apply", "应用";
    TagNothing => "Enter at least one tag to add or remove.", "请至少填写一个要添加或移除的标签。";
    TaggedNotice => "Tags updated on {n} leads.", "已更新 {n} 条线索的标签。";
    BulkStage => "Change stage…", "变更阶段…";
    StageTitle => "Move {n} leads to another stage", "将 {n} 条线索变更阶段";
    StageTo => "New stage", "新阶段";
    LostReasonLabel => "Why were they lost?", "流失原因";
    LostReasonHint => "Required for Lost, e.g. price, competitor, no budget", "标记为流失时必填，如价格、竞争对手、无预算";
    StageSubmit => "Move", "变更";
    StageMovedNotice => "{n} leads moved to {stage}.", "已将 {n} 条线索变更为{stage}。";
    EventStageChanged => "Stage changed", "阶段变更";
    Working => "Working…", "处理中…";

    NavScoring => "Scoring", "评分模型";
    ScoringTitle => "Scoring model", "评分模型";
    ScoringSubtitle => "Who a lead is and what they did, turned into one score sales can trust", "根据线索的画像与行为，给出销售信得过的评分";
    ScoringDesignersOnlyTitle => "Only admins and marketers design the scoring model", "只有管理员和市场人员可以设计评分模型";
    ScoringDesignersOnlyHint => "Each lead's page shows why it scores what it does. Ask a marketer if a rule seems off.", "每条线索的详情页都会说明评分的由来。如果觉得某条规则不合理，请联系市场同事。";
    DraftVersion => "Draft v{version}", "草稿 v{version}";
    ActiveVersion => "Active v{version}", "生效中 v{version}";
    RetiredVersion => "Retired v{version}", "已停用 v{version}";
    StarterModel => "Starter rules", "初始规则";
    StarterModelHint => "No model yet: these starter rules are a place to begin. Activate them as they are, or adjust them first.", "还没有评分模型：以下初始规则可作为起点，可直接启用，也可先调整。";
    NoActiveModel => "No model is active yet: leads are scored once one is.", "尚无生效的模型：启用后才会为线索评分。";
    ActiveSince => "Active: v{version} since {since}", "当前生效：v{version}，自 {since} 起";
    DesignedBy => " · designed by {name}", " · 设计者：{name}";
    UnsavedChanges => "Unsaved changes", "有未保存的修改";
    DiscardChanges => "Discard changes", "放弃修改";
    SaveDraft => "Save draft", "保存草稿";
    Activate => "Activate", "启用";
    Activating => "Activating…", "正在启用…";
    ActivateConfirm => "Activate this model? Every open lead is re-scored with it, and leads that reach the MQL threshold become MQL.", "确定启用该模型？所有未关闭的线索都将按它重新评分，达到 MQL 分数线的线索将成为 MQL。";
    ActivateFixFirst => "Fix the highlighted problems first", "请先修正标出的问题";
    ActivateWaitRun => "Wait until re-scoring has finished", "请等待重新评分完成";
    AlreadyActive => "This version is already active; change a rule first", "该版本已在生效，请先修改规则";
    DraftSaved => "Draft saved. Leads keep their scores until you activate it.", "草稿已保存。启用之前，线索评分保持不变。";
    ModelActivated => "Model activated.", "模型已启用。";
    ModelProblems => "{n} problems to fix before this model can be activated", "还有 {n} 处问题需要修正，之后才能启用";
    ModelProblemsOne => "1 problem to fix before this model can be activated", "还有 1 处问题需要修正，之后才能启用";
    ModelUnreadable => "The saved model could not be read, so the starter rules are shown instead. Saving replaces it.", "无法读取已保存的模型，下方显示的是初始规则。保存后将替换它。";

    FitRules => "Fit rules", "画像规则";
    FitRulesHint => "Points for who the lead is. Every matching rule counts; give a poor fit negative points.", "按线索画像加分。所有命中的规则都会计分；不合适的画像可设负分。";
    FitRulesEmpty => "No fit rules: every lead gets 0 fit points.", "暂无画像规则：所有线索的匹配度都为 0。";
    AddFitRule => "Add fit rule", "添加画像规则";
    BehaviourRules => "Behaviour rules", "行为规则";
    BehaviourRulesHint => "Points for what the lead did. In patterns * stands for any text; caps limit the points per day and in total.", "按线索行为加分。匹配模式中 * 代表任意文字；上限用于限制每天及累计得分。";
    BehaviourRulesEmpty => "No behaviour rules: engagement stays at 0.", "暂无行为规则：活跃度始终为 0。";
    AddBehaviourRule => "Add behaviour rule", "添加行为规则";
    RuleName => "Rule name", "规则名称";
    RuleNamePlaceholder => "Rule name, e.g. Senior decision maker", "规则名称，例如：高层决策人";
    BehaviourNamePlaceholder => "Rule name, e.g. Viewed the pricing page", "规则名称，例如：浏览了价格页";
    RuleUnnamed => "Unnamed rule", "未命名规则";
    RuleWhole => "Rule", "规则";
    Points => "Points", "分值";
    PointsPerEvent => "Points per event", "每次得分";
    PointsShort => "pts", "分";
    RemoveRule => "Remove rule", "删除规则";
    RuleField => "Field", "字段";
    RuleCondition => "Condition", "条件";
    RuleValue => "Value", "取值";
    RuleMin => "From", "最小值";
    RuleMax => "To", "最大值";
    RuleValuePlaceholder => "Text, e.g. .edu.cn", "文字，例如：.edu.cn";
    RuleValuesPlaceholder => "Several, separated by commas: 总监, VP", "多个值用逗号分隔：总监, VP";
    NoValueNeeded => "No value needed", "无需取值";
    PickOne => "Choose…", "请选择…";
    CustomFieldChoice => "Custom field…", "自定义字段…";
    CustomKeyName => "Custom field key", "自定义字段键名";
    CustomKeyPlaceholder => "key, e.g. budget", "键名，例如 budget";
    FieldCampaign => "Campaign", "市场活动";
    FieldEmailDomain => "Email domain", "邮箱域名";
    OpContains => "contains", "包含";
    OpEquals => "is", "等于";
    OpStartsWith => "starts with", "开头是";
    OpEndsWith => "ends with", "结尾是";
    OpContainsAny => "contains any of", "包含任一";
    OpIn => "is one of", "属于";
    OpNotIn => "is none of", "不属于";
    OpHasAny => "has any of", "含任一";
    OpHasAll => "has all of", "含全部";
    OpGt => "more than", "大于";
    OpGte => "at least", "不少于";
    OpLt => "less than", "小于";
    OpLte => "at most", "不超过";
    OpBetween => "between", "介于";
    OpIsSet => "is known", "已填写";
    OpIsEmpty => "is unknown", "未填写";
    BehaviourKindLabel => "Event", "行为";
    BehaviourPageView => "Page view", "浏览页面";
    BehaviourDownload => "Download", "下载资料";
    BehaviourWebinar => "Webinar attended", "参加网络研讨会";
    BehaviourEmailOpen => "Email opened", "打开邮件";
    BehaviourEmailClick => "Email link clicked", "点击邮件链接";
    BehaviourFormSubmit => "Form submitted", "提交表单";
    UrlPattern => "Address pattern", "网址匹配";
    UrlPatternPlaceholder => "Any address", "任意网址";
    NamePattern => "Name pattern", "名称匹配";
    NamePatternPlaceholder => "Any name", "任意名称";
    PatternHint => "* stands for any text, e.g. */pricing* or *案例*; the pattern covers the whole value and ignores case", "* 代表任意文字，如 */pricing* 或 *案例*；模式需匹配完整内容，不区分大小写";
    CapPerDay => "Most points per day", "每日得分上限";
    CapTotal => "Most points in total", "累计得分上限";
    PerDayShort => "/day", "/天";
    TotalShort => "total", "累计";
    NoCap => "leave empty for no cap", "留空表示不设上限";
    ThresholdAndDecay => "MQL threshold and decay", "MQL 分数线与衰减";
    MqlThreshold => "MQL threshold", "MQL 分数线";
    MqlThresholdSentence => "points or more makes a lead marketing-qualified (MQL), ready for sales", "分及以上即为市场认可线索（MQL），可移交销售";
    Decay => "Decay", "衰减";
    DecayNone => "None", "不衰减";
    DecayLinear => "Linear, per week", "按周线性衰减";
    DecayHalfLife => "Half-life", "半衰期";
    DecayNoneHint => "Engagement stays until the lead does something else.", "活跃度保持不变，直到线索再次产生行为。";
    DecayLinearLose => "Lose", "每安静一周扣";
    DecayLinearPerWeek => "points per quiet week, never below", "分，最低保留";
    DecayHalfLifeEvery => "Engagement halves every", "活跃度每安静";
    DecayHalfLifeDays => "days of quiet, never below", "天减半，最低保留";
    DecayFloorAfter => "points", "分";
    DecayPointsLabel => "Points per quiet week", "每周扣分";
    DecayDaysLabel => "Half-life in days", "半衰期天数";
    DecayFloorLabel => "Floor", "最低保留";

    PreviewTitle => "Preview", "效果预览";
    PreviewNoLeads => "No open leads to preview yet. Once leads come in, this shows how the model would score them.", "暂无可预览的未关闭线索。有线索进来后，这里会显示模型给它们打的分。";
    PreviewMql => "{n} of {total} leads would be MQL (was {was})", "{total} 条线索中将有 {n} 条成为 MQL（当前 {was} 条）";
    PreviewMqlToday => "{n} of {total} are MQL today", "当前 {total} 条中有 {n} 条为 MQL";
    PreviewWaiting => "Fix the problems above to see the new scores", "修正上方标出的问题后即可预览新评分";
    PreviewAverage => "Average {before} → {after}", "平均分 {before} → {after}";
    PreviewChanged => "{n} scores change", "{n} 条评分有变化";
    PreviewThreshold => "MQL at {n}", "MQL 线 {n}";
    PreviewBucketTitle => "{range}: {before} → {after} leads", "{range} 分：{before} → {after} 条";
    PreviewBucketTitleToday => "{range}: {before} leads", "{range} 分：{before} 条";
    PreviewLegendToday => "Today", "当前";
    PreviewLegendEdited => "With your changes", "修改后";
    PreviewSampleNote => "{n} open leads, scored as of now", "{n} 条未关闭线索，按当前时间计算";

    RescoreRunning => "Re-scoring open leads with v{version}…", "正在按 v{version} 重新计算未关闭线索的评分…";
    RescoreCount => "{done} of {total}", "{done} / {total}";
    RescoreDone => "v{version} is active", "v{version} 已生效";
    RescoreDoneCount => "{total} open leads re-scored, {changed} scores changed", "已重新计算 {total} 条未关闭线索，{changed} 条评分有变化";
    RescoreFailed => "Re-scoring stopped", "重新评分已中断";
    RescoreFailedHint => "The model is active; leads not reached yet keep their old scores. Activate again to retry.", "模型已生效，尚未处理的线索仍保留旧评分。可再次启用以重试。";

    PredictiveTitle => "Predictive win score", "预测赢单评分";
    PredictiveHint => "Learned from closed leads and shown on every open lead beside the rule score.", "基于已关闭的线索学习，并与规则评分一起显示在每条未关闭线索上。";
    RetrainNow => "Retrain now", "立即重新训练";
    Retraining => "Training…", "训练中…";
    RetrainRefused => "Not retrained", "未重新训练";
    PredictiveNotEnough => "Not enough history: {closed} closed leads, {needed} needed", "历史数据不足：已关闭 {closed} 条线索，至少需要 {needed} 条";
    PredictiveNotTrained => "Not trained yet", "尚未训练";
    PredictiveAuc => "Accuracy (AUC)", "准确度（AUC）";
    AucStrong => "strong", "很好";
    AucUseful => "useful", "可用";
    AucWeak => "weak", "较弱";
    AucGuess => "no better than a guess", "接近随机猜测";
    AucUnknown => "Not measured: the held-out leads had only one outcome", "无法衡量：留出的线索只有一种结果";
    PredictiveTrainedOn => "Trained on", "训练数据";
    PredictiveTrainedOnValue => "{trained} leads, {held} held out to test", "{trained} 条线索，另留出 {held} 条用于检验";
    PredictiveHistory => "History", "历史";
    PredictiveHistoryValue => "{closed} closed, {won} won ({rate})", "已关闭 {closed} 条，赢单 {won} 条（{rate}）";
    PredictiveTrainedAt => "Trained", "训练时间";

    InactivityDecay => "Inactivity decay", "不活跃衰减";
    NoActiveModelLead => "No scoring model is active yet, so this lead has no score.", "尚无生效的评分模型，这条线索暂无评分。";
    DaysQuiet => "{n} days quiet", "已安静 {n} 天";
    Capped => "capped", "已达上限";
    NoFitPoints => "No fit rule matched.", "没有命中画像规则。";
    NoEngagementPoints => "No engagement yet.", "暂无互动行为。";
    TotalScore => "Total", "总分";
    LastEngaged => "Last engaged {when}", "最近互动：{when}";
    MqlBadgeHint => "The total reached the MQL threshold", "总分已达到 MQL 分数线";
    WinProbability => "Chance to win", "赢单概率";
    WinProbabilityHint => "Learned from the leads this company has won and lost", "基于本公司已赢单和已流失的线索学习得出";
    WinFactors => "What moves it", "影响因素";
    FactorHelps => "Raises the chance", "提高概率";
    FactorHurts => "Lowers the chance", "降低概率";
    FactorSeniority => "Seniority", "职级";
    FactorPageViews => "Page views", "页面浏览";
    FactorWebinars => "Webinars", "网络研讨会";
    FactorDownloads => "Downloads", "下载";
    FactorEmailClicks => "Email clicks", "邮件点击";
    FactorEmailOpens => "Email opens", "邮件打开";
    FactorFormSubmits => "Form submissions", "表单提交";
    LevelExecutive => "Executive", "高管";
    LevelDirector => "Director", "总监级";
    LevelManager => "Manager", "经理级";
    LevelStaff => "Staff", "普通员工";
    ValueUnknown => "Unknown", "未知";

    // Routing designer and SLA
    NavRouting => "Routing", "分配规则";
    TabSla => "SLA", "服务时限";
    RoutingTitle => "Lead routing", "线索分配规则";
    RoutingSubtitle => "Who gets each new lead, seconds after it arrives", "新线索进来几秒内，自动交给合适的人";
    RoutingDesignersOnlyTitle => "Routing is designed by admins and marketers", "分配规则由管理员和市场人员设计";
    RoutingDesignersOnlyHint => "New leads reach you through these rules; ask your manager if something seems off.", "新线索会按这些规则分配给你；如有疑问请联系你的经理。";
    RoutingReadOnly => "You can see the routing rules and their simulation; only admins and marketers can change them.", "你可以查看分配规则及模拟结果；只有管理员和市场人员可以修改。";
    RoutingUnreadable => "The saved rules could not be read, so the designer starts from the default: every lead to the pool.", "已保存的规则无法读取，设计器从默认规则开始：所有线索进入公海。";
    RoutingNeverSaved => "Not saved yet: every new lead goes to the pool", "尚未保存：所有新线索都进入公海";
    RoutingVersion => "Version {version}", "第 {version} 版";
    RoutingSaved => "Routing rules saved. New leads follow them from now on.", "分配规则已保存，新线索将立即按新规则分配。";
    RoutingConflictTitle => "Someone else saved the rules meanwhile", "规则已被他人修改并保存";
    RoutingConflictHint => "Reload to see their version; your edits here will be dropped.", "请重新加载查看最新版本；你在此处的修改将被丢弃。";
    RoutingReload => "Reload", "重新加载";
    RoutingFixFirst => "Fix the problems marked in red first", "请先修正标红的问题";
    RoutingProblems => "{n} problems to fix before saving", "保存前需修正 {n} 个问题";
    RoutingRules => "Rules", "分配规则";
    RoutingRulesHint => "Tried in order: the first rule that matches and can place the lead wins.", "按顺序逐条匹配：第一条命中且能分配的规则生效。";
    RoutingRulesEmpty => "No rules yet: every lead goes to the fallback.", "暂无规则：所有线索都走兜底规则。";
    RoutingAddRule => "Add rule", "添加规则";
    RoutingRuleNamePlaceholder => "Rule name, e.g. East China manufacturing", "规则名称，如：华东制造业";
    RoutingRuleId => "Rule ID", "规则 ID";
    RoutingRuleEnabled => "Enabled", "启用";
    RoutingRuleSimCount => "{n} leads", "{n} 条线索";
    RoutingRuleSimHint => "Leads this rule would have placed in the simulation", "模拟中这条规则会分配的线索数";
    RoutingWhen => "When", "条件";
    RoutingConditions => "Conditions", "条件";
    RoutingMatchesEveryLead => "No conditions: matches every lead.", "无条件：匹配所有线索。";
    RoutingAddCondition => "Add condition", "添加条件";
    RoutingRemoveCondition => "Remove condition", "删除条件";
    RoutingFieldScore => "Score", "评分";
    RoutingFieldCampaignId => "Campaign ID", "营销活动 ID";
    RoutingAssignTo => "Assign to", "分配给";
    RoutingStrategyRep => "A named rep", "指定销售";
    RoutingStrategyRoundRobin => "Round robin in a team", "团队内轮询";
    RoutingStrategyLeastLoaded => "Least loaded in a team", "团队内最少负载";
    RoutingStrategyPool => "The pool", "公海";
    RoutingRep => "Rep", "销售";
    RoutingTeam => "Team", "团队";
    RoutingPickRep => "Choose a rep…", "选择销售…";
    RoutingPickTeam => "Choose a team…", "选择团队…";
    RoutingMembers => "{n} members", "{n} 人";
    RoutingMissing => "Not found ({id})", "已不存在（{id}）";
    RoutingDeactivated => "{name} (deactivated)", "{name}（已停用）";
    RoutingWeights => "Weights", "权重";
    RoutingWeightsHint => "Turns per round; blank is 1, 0 keeps someone in the team without turns.", "每轮分到的次数；留空为 1，填 0 表示留在团队中但不参与轮询。";
    RoutingMeasure => "Measure", "负载衡量";
    RoutingMeasureOpenLeads => "Fewest open leads", "未关闭线索最少";
    RoutingMeasurePipeline => "Smallest open pipeline", "在途商机金额最小";
    RoutingPoolHint => "Leads go to the pool, where reps claim them.", "线索进入公海，由销售自行认领。";
    RoutingOnlyInHours => "Only during working hours", "仅在工作时间内生效";
    RoutingOutsideHoursHint => "Outside these hours the rule steps aside and the next matching rule or the fallback decides.", "工作时间外此规则不生效，由下一条命中的规则或兜底规则处理。";
    RoutingFallback => "Fallback", "兜底规则";
    RoutingFallbackHint => "For leads no rule matched or could place. If even this cannot place a lead, it goes to the pool.", "用于没有规则命中或无法分配的线索；若兜底规则也无法分配，线索进入公海。";
    RoutingTrigger => "When routing runs", "分配时机";
    RoutingTriggerWhen => "Route", "分配";
    RoutingTriggerOnCapture => "As soon as a lead is captured", "线索进入时立即分配";
    RoutingTriggerOnMql => "When a pool lead becomes an MQL", "公海线索达到 MQL 时分配";
    RoutingTriggerBoth => "Both: on capture, and again at MQL", "两者皆有：进入时分配，达到 MQL 时再次分配";
    RoutingTriggerHint => "Leads captured before a change keep their owner.", "修改前已进入的线索保持原负责人不变。";
    RoutingSimTitle => "Simulation", "模拟分配";
    RoutingSimHint => "Real leads of the period, routed by the rules as edited, with today's team.", "用所选时段内的真实线索，按当前编辑的规则和现在的团队状况重新分配。";
    RoutingSimPeriod => "Period", "时段";
    RoutingSimDays => "{n} days", "近 {n} 天";
    RoutingSimEmptyTitle => "No leads in the last {n} days", "近 {n} 天没有新线索";
    RoutingSimEmptyHint => "Try a longer period, or check the simulation again once leads arrive.", "可以换一个更长的时段，或等有新线索后再来看模拟结果。";
    RoutingSimFixFirst => "Fix the problems in the rules to see who would get the leads.", "修正规则中的问题后即可看到线索会分给谁。";
    RoutingSimTotal => "{n} leads of the last {days} days would have gone to:", "近 {days} 天的 {n} 条线索将分配给：";
    RoutingSimWho => "Who", "接收人";
    RoutingSimLeads => "Leads", "线索数";
    RoutingSimShare => "Share", "占比";
    RoutingSimByRule => "By rule", "按规则";
    RoutingSimPoolNote => "{n} to the pool in all (pool rules, and leads no one could take).", "共 {n} 条进入公海（公海规则，以及无人可接的线索）。";
    RoutingToPool => "The pool", "公海";
    WorkingHours => "Working hours", "工作时间";
    WorkingDays => "Days", "工作日";
    TimeZone => "Time zone", "时区";
    ChinaStandardTime => "China Standard Time", "北京时间";
    PeriodFrom => "From", "开始时间";
    PeriodTo => "To", "结束时间";
    AddPeriod => "Add hours", "添加时段";
    RemovePeriod => "Remove these hours", "删除此时段";
    NoWorkingHours => "No working hours", "未设置工作时间";
    WeekdayMon => "Mon", "周一";
    WeekdayTue => "Tue", "周二";
    WeekdayWed => "Wed", "周三";
    WeekdayThu => "Thu", "周四";
    WeekdayFri => "Fri", "周五";
    WeekdaySat => "Sat", "周六";
    WeekdaySun => "Sun", "周日";
    MinutesShort => "min", "分钟";
    DaysShort => "days", "天";
    SlaPoliciesTitle => "First-contact time limits", "首次联系时限";
    SlaHint => "How long a new owner has to contact a lead, counted in business time, before a reminder, an escalation to the manager, and a recycle.", "新负责人需在多长时间内联系线索（按工作时间计），超时将依次提醒、升级给经理、回收线索。";
    SlaReadOnly => "Only admins can change SLA policies.", "只有管理员可以修改服务时限策略。";
    SlaNew => "New policy", "新建策略";
    SlaNewTitle => "New SLA policy", "新建服务时限策略";
    SlaEditTitle => "Edit SLA policy", "编辑服务时限策略";
    SlaName => "Name", "名称";
    SlaNamePlaceholder => "e.g. Inbound leads, East China", "如：华东区入站线索";
    SlaTeam => "Team", "团队";
    SlaAllTeamsDefault => "All teams (default)", "所有团队（默认）";
    SlaDefaultTeam => "Default", "默认";
    SlaThresholdsTitle => "Thresholds", "时限";
    SlaThresholds => "Remind {remind} min / escalate {escalate} min / recycle {recycle} min", "{remind} 分钟提醒 / {escalate} 分钟升级 / {recycle} 分钟回收";
    SlaBusinessTime => "(business time)", "（工作时间）";
    SlaThresholdsHint => "Business minutes after the assignment, in increasing order.", "从分配起计算的工作时间分钟数，需依次递增。";
    SlaHoursHint => "Only time inside these hours counts toward the thresholds.", "只有工作时间内的时长计入时限。";
    SlaRemindAfter => "Remind the owner after", "提醒负责人";
    SlaEscalateAfter => "Escalate to the manager after", "升级给经理";
    SlaRecycleAfter => "Recycle after", "回收线索";
    SlaRecycleAction => "Recycle to", "回收方式";
    SlaRecyclePool => "The pool", "退回公海";
    SlaRecycleReroute => "Route again (skipping the owner)", "重新分配（跳过原负责人）";
    SlaInactivity => "Recycle inactive leads", "不活跃线索回收";
    SlaInactivityHint => "Open leads without any activity for this many days go back to the pool; blank for never.", "连续多少天无任何跟进的未关闭线索退回公海；留空表示不回收。";
    SlaInactivityDays => "After {n} days", "{n} 天后";
    SlaInactivityNever => "Never", "不回收";
    SlaSaved => "Saved “{name}”.", "已保存“{name}”。";
    SlaDeleted => "Deleted “{name}”.", "已删除“{name}”。";
    SlaDelete => "Delete", "删除";
    SlaDeleteConfirm => "Delete the SLA policy “{name}”? Leads already assigned keep the clock they started with.", "确定删除服务时限策略“{name}”吗？已分配线索的计时不受影响。";
    SlaEmptyTitle => "No SLA policies yet", "暂无服务时限策略";
    SlaEmptyHint => "Without a policy, new owners have no first-contact deadline.", "未设置策略时，新负责人没有首次联系的时限要求。";

    // Pipeline and kanban
    TabPipeline => "Pipeline", "销售管道";
    PipelineSubtitle => "Deals by stage, with amounts weighted by their chance of closing", "按阶段查看商机，金额按成交概率加权";
    PipelineDealsTab => "Opportunities", "商机看板";
    PipelineLeadsTab => "Lead stages", "线索阶段";
    PipelineChoose => "Pipeline", "销售管道";
    PipelineAllOwners => "All owners", "全部负责人";
    PipelineAllTeams => "All teams", "全部团队";
    PipelineCloseMonth => "Closing in", "预计成交月份";
    PipelineOpenAmount => "Open pipeline", "在途金额";
    PipelineAmount => "Amount", "金额";
    WeightedAmount => "Weighted", "加权金额";
    PipelineLive => "Live", "实时";
    PipelineOffline => "Not live", "未连接";
    PipelineColumnEmpty => "Drop a deal here", "可将商机拖到这里";
    PipelineLoadMore => "Load {n} more", "加载更多（还有 {n} 条）";
    PipelineNoDealsTitle => "No opportunities yet", "暂无商机";
    PipelineNoDealsHint => "Convert a sales-qualified lead (SQL) on its page, and its deal appears here.", "在线索详情页将 SQL 转为商机后，商机会出现在这里。";
    PipelineNoMatchTitle => "No opportunities match these filters", "没有符合筛选条件的商机";
    PipelineNoMatchHint => "Try another owner, team or month, or clear the filters.", "换个负责人、团队或月份试试，或清除筛选。";
    DealCardLabel => "Opportunity {name}. Press Enter to move it.", "商机 {name}，按回车键移动";
    DealMoveTo => "Move to…", "移动到…";
    DealMoveFailed => "Couldn't move “{name}”", "未能移动商机“{name}”";
    DealOverdue => "Expected close date has passed", "已超过预计成交日期";
    DealLostTitle => "Mark “{name}” as lost", "将“{name}”标记为输单";
    DealMarkLost => "Mark as lost", "确认输单";
    LostReason => "Lost reason", "输单原因";
    LostReasons => "Lost reasons", "输单原因";
    LostReasonNew => "A new reason, e.g. “Went with a competitor”", "新增原因，例如“选择了竞争对手”";
    LostReasonValue => "Lost: {reason}", "输单原因：{reason}";
    StageProbability => "Probability", "成交概率";
    StageName => "Stage", "阶段名称";
    StageKind => "Kind", "类型";
    StageKindOpen => "Open", "进行中";
    StageKindWon => "Won", "赢单";
    StageKindLost => "Lost", "输单";
    StageAdd => "Add stage", "添加阶段";
    ExpectedCloseOn => "Expected close date", "预计成交日期";
    ExpectedCloseOnValue => "Closes {date}", "预计 {date} 成交";
    LeadBoardHint => "The hottest 50 leads of each stage. Drag a card to qualify or requalify it.", "每个阶段显示评分最高的 50 条线索，拖动卡片即可调整阶段。";
    LeadBoardColumnEmpty => "No leads in this stage", "该阶段暂无线索";
    LeadBoardMore => "{n} more in the lead list", "另有 {n} 条，请在线索列表中查看";
    LeadMoveFailed => "Couldn't move {name}", "未能移动线索 {name}";
    LeadMoveLabel => "Move {name} to…", "将 {name} 移动到…";
    LeadMoveNotAllowed => "A lead cannot go from {from} to {to}.", "线索不能从 {from} 直接移到 {to}。";
    BantRequiredToast => "Fill in budget, authority, need and timeline (BANT) on the lead first.", "请先在线索详情页填写预算、决策人、需求和时间表（BANT）。";
    BantTitle => "Qualification (BANT)", "资格确认（BANT）";
    BantBudget => "Budget", "预算";
    BantAuthority => "Authority", "决策人";
    BantNeed => "Need", "需求";
    BantTimeline => "Timeline", "时间表";
    BantBudgetHint => "e.g. up to ¥500,000, approved", "例如：50 万以内，已审批";
    BantAuthorityHint => "Who decides, e.g. the IT director", "谁拍板，例如：IT 总监王总";
    BantNeedHint => "What problem they need solved", "要解决什么问题";
    BantTimelineHint => "When they want to buy, e.g. this quarter", "计划何时采购，例如：本季度上线";
    BantComplete => "Complete", "已完成";
    BantIncomplete => "Incomplete", "未完成";
    BantSaved => "Qualification saved", "资格信息已保存";
    BantRequiredLabel => "Require BANT before SQL", "转为 SQL 前必须填写 BANT";
    BantRequiredHint => "A lead becomes sales-qualified only with budget, authority, need and timeline filled in.", "开启后，线索须填写预算、决策人、需求和时间表才能转为 SQL。";
    Opportunities => "Opportunities", "商机";
    OpportunitiesNone => "No opportunities yet. Convert this lead when the deal takes shape.", "暂无商机。销售机会明确后，可将该线索转为商机。";
    OpportunityName => "Opportunity name", "商机名称";
    ConvertToOpportunity => "Convert to opportunity", "转为商机";
    ConvertSubmit => "Convert", "确认转换";
    ConvertedToast => "“{name}” is on the pipeline", "已创建商机“{name}”";
    OpenPipeline => "Open the pipeline", "查看销售管道";
    Amount => "Amount", "金额";
    AmountHint => "As you would write it, e.g. 180,000", "按习惯填写即可，例如 180,000";
    Currency => "Currency", "币种";
    LifecycleTitle => "Qualification and lost reasons", "资格确认与输单原因";
    LifecycleSaved => "Lifecycle settings saved.", "生命周期设置已保存。";
    PipelineStagesTitle => "Pipeline stages", "销售管道阶段";
    PipelineStagesHint => "In order. Each stage has the chance that a deal there is won; one stage is Won and one is Lost.", "按顺序排列。每个阶段设有成交概率；须有且仅有一个赢单阶段和一个输单阶段。";
    PipelineName => "Pipeline name", "管道名称";
    DefaultPipelineName => "Sales pipeline", "销售管道";
    PipelineSaved => "Pipeline stages saved.", "销售管道阶段已保存。";
    PipelineSettingsReadOnly => "Only administrators change these settings.", "仅管理员可以修改这些设置。";
    RemoveNamed => "Remove {name}", "删除 {name}";
    Add => "Add", "添加";

    // Pool, notifications and the live feed
    Claim => "Claim", "领取";
    Claiming => "Claiming…", "领取中…";
    ClaimRow => "Claim {name}", "领取 {name}";
    PoolClaimStatus => "You claimed {claimed} of {limit} in the last 24 h", "近 24 小时已领取 {claimed} / {limit} 条";
    PoolClaimRemaining => "{n} left", "还可领取 {n} 条";
    PoolClaimLimitReached => "Limit reached for now", "已达领取上限";
    ClaimedToast => "Claimed {name}", "已领取 {name}";
    ClaimedToastHint => "The lead is yours now; the first-contact clock has started.", "该线索已归你跟进，首次联系计时已开始。";
    ClaimFailed => "Couldn't claim this lead", "未能领取该线索";
    ClaimTaken => "Someone else claimed this lead first", "该线索已被他人抢先领取";
    OpenLead => "Open lead", "查看线索";
    Notifications => "Notifications", "通知";
    NotificationsUnread => "{n} unread", "{n} 条未读";
    NotificationsMarkAllRead => "Mark all read", "全部标为已读";
    NotificationsEmpty => "No notifications yet", "暂无通知";
    NotificationsEmptyHint => "Leads assigned to you and first-contact reminders show up here.", "分配给你的线索和首次联系提醒会显示在这里。";
    NotifLeadAssigned => "New lead assigned to you: {name}", "新线索分配给你：{name}";
    NotifSlaReminder => "SLA reminder: {name} still waits for a first contact", "首次联系提醒：{name} 仍在等待联系";
    NotifSlaEscalationBy => "Escalated: {owner} has not contacted {name} yet", "已升级：{owner} 尚未联系 {name}";
    NotifSlaEscalation => "Escalated: {name} was not contacted in time", "已升级：{name} 未在时限内被联系";
    NotifSlaRecycled => "Taken back: {name} was not contacted in time", "已回收：{name} 未在时限内被联系";
    NotifLeadClaimedBy => "{owner} claimed {name} from the pool", "{owner} 从公海领取了 {name}";
    NotifLeadClaimed => "{name} was claimed from the pool", "{name} 已从公海被领取";
    NotifTaskDue => "Task due: {title} ({name})", "任务到期：{title}（{name}）";
    NavFeed => "Assignment feed", "分配动态";
    FeedSubtitle => "Who gets which lead, as it happens", "实时查看每条线索分配给了谁";
    FeedScope => "Whose assignments", "查看范围";
    FeedScopeMine => "Mine", "我的";
    FeedScopeTeam => "My teams", "我的团队";
    FeedScopeAll => "Everyone", "全部";
    FeedEmptyTitle => "No assignments yet", "暂无分配记录";
    FeedEmptyHint => "New assignments appear here the moment they happen.", "新的分配一发生就会出现在这里。";
    FeedTime => "Time", "时间";
    FeedLead => "Lead", "线索";
    FeedChange => "From → to", "原负责人 → 新负责人";
    FeedReason => "Reason", "原因";
    FeedRule => "Rule", "规则";
    FeedActor => "By", "操作人";
    FeedHiddenLead => "A lead you can't see", "无权查看的线索";
    FeedAutomatic => "Automatic", "系统自动";
    ReasonRule => "Routing rule", "规则分配";
    ReasonManual => "Manual", "手动分配";
    ReasonClaim => "Claimed", "公海领取";
    ReasonSlaRecycle => "SLA recycle", "超时回收";
    ReasonMerge => "Merge", "合并带入";
    OwnerAndSla => "Owner & SLA", "负责人与时限";
    ReleaseToPool => "Release to pool", "退回公海";
    Releasing => "Releasing…", "退回中…";
    ReleasedToast => "{name} is back in the pool", "{name} 已退回公海";
    ReleaseFailed => "Couldn't release this lead", "未能退回该线索";
    LeadSlaTitle => "First-contact deadline", "首次联系时限";
    LeadSlaPolicyName => "Policy: {name}", "时限规则：{name}";
    LeadSlaNone => "No first-contact clock is running for the current owner.", "当前负责人没有首次联系计时。";
    LeadSlaRunning => "Running", "计时中";
    LeadSlaReminded => "Reminded", "已提醒";
    LeadSlaEscalated => "Escalated", "已升级";
    LeadSlaMet => "Met", "已达成";
    LeadSlaRecycled => "Recycled", "已回收";
    LeadSlaCancelled => "Cancelled", "已取消";
    LeadSlaNextRemind => "Reminder {when}", "{when}提醒";
    LeadSlaNextEscalate => "Escalation {when}", "{when}升级";
    LeadSlaNextRecycle => "Recycle {when}", "{when}回收";
    LeadSlaRemindAt => "Reminder", "提醒";
    LeadSlaEscalateAt => "Escalation", "升级";
    LeadSlaRecycleAt => "Recycle", "回收";
    LeadSlaMetAt => "First contact {when}", "首次联系于 {when}";
    LeadSlaStartedAt => "Clock started {when}", "计时开始于 {when}";
    AssignmentHistory => "Owner history", "负责人变更记录";
    AssignmentsEmpty => "No owner changes yet.", "暂无负责人变更。";
    Away => "I'm away", "我暂时离开";
    AwayHint => "While you are away, routing skips you and your first-contact clocks wait.", "离开期间不会给你分配新线索，首次联系计时也会暂停。";
    AwayFailed => "Couldn't change your away status", "未能更改离开状态";

    // Nurture journeys: list, designer, dry run, email templates
    JrnTitle => "Nurture journeys", "培育旅程";
    JrnSubtitle => "Email journeys that warm up leads until they are ready for a rep", "用邮件旅程持续培育线索，直到可以交给销售";
    JrnTemplatesNav => "Email templates", "邮件模板";
    JrnDesignersOnlyTitle => "Journeys are designed by admins and marketers", "培育旅程由管理员和市场人员设计";
    JrnDesignersOnlyHint => "Ask your marketing team to add leads to a journey.", "如需让线索进入培育旅程，请联系市场团队。";
    JrnEmptyTitle => "No journeys yet", "还没有培育旅程";
    JrnEmptyHint => "Start from a blank canvas, or from the ready \"re-activate sleeping leads\" journey above.", "可以从空白画布开始，也可以用上方现成的“唤醒沉睡线索”旅程。";
    JrnNewName => "Name", "名称";
    JrnNewNamePlaceholder => "e.g. Trade-show follow-up", "如：展会后续跟进";
    JrnNewBlank => "New journey", "新建旅程";
    JrnOr => "or", "或";
    JrnNewReactivation => "Re-activate sleeping leads", "唤醒沉睡线索";
    JrnReactivateName => "Re-activate sleeping leads", "唤醒沉睡线索";
    JrnUntitled => "Untitled journey", "未命名旅程";
    JrnName => "Journey name", "旅程名称";
    JrnStatus => "Status", "状态";
    JrnVersion => "Active version", "生效版本";
    JrnInJourney => "In journey now", "当前在旅程中";
    JrnEnteredTotal => "Entered in total", "累计进入";
    JrnUpdated => "Changed", "更新时间";
    JrnStatusDraft => "Draft", "草稿";
    JrnStatusActive => "Active", "运行中";
    JrnStatusPaused => "Paused", "已暂停";
    JrnMissing => "This journey no longer exists. Go back to the list.", "该旅程已不存在，请返回列表。";
    JrnUnreadable => "The saved draft could not be read; the designer starts from a blank canvas.", "已保存的草稿无法读取，设计器从空白画布开始。";
    JrnNeverActivated => "Never activated", "尚未启用";
    JrnVersionActive => "v{v} live", "v{v} 生效中";
    JrnUnsaved => "Unsaved changes", "有未保存的修改";
    JrnProblemCount => "{n} to fix", "{n} 处待修正";
    JrnReady => "Ready to activate", "可以启用";
    JrnFixFirst => "Fix the problems marked in red first", "请先修正标红的问题";
    JrnSaveDraft => "Save draft", "保存草稿";
    JrnSavedDraft => "Draft saved. Leads keep following the active version until you activate.", "草稿已保存。启用前，线索仍按当前生效版本运行。";
    JrnActivate => "Activate", "启用";
    JrnActivateNew => "Activate new version", "启用新版本";
    JrnActivated => "Version {v} is live: new leads enter it from now on; enrolled leads finish on their version.", "第 {v} 版已生效：新线索从现在起进入此版本，已在旅程中的线索按原版本走完。";
    JrnPause => "Pause", "暂停";
    JrnResume => "Resume", "恢复";
    JrnPausedNotice => "Paused: no new leads enter, enrolled leads hold where they are.", "已暂停：不再有新线索进入，已在旅程中的线索原地等待。";
    JrnResumedNotice => "Resumed: due steps run now.", "已恢复：到期的步骤立即执行。";
    JrnConflict => "Nothing changed since the live version, or the journey changed state meanwhile. Reload to see it.", "与生效版本相比没有改动，或旅程状态已被他人更改。请刷新查看。";
    JrnServerRefused => "The server refused to activate: {n} problems are marked on the canvas.", "服务器拒绝启用：画布上标出了 {n} 处问题。";
    JrnPalette => "Palette", "组件面板";
    JrnPaletteTriggers => "Trigger", "触发条件";
    JrnPaletteSteps => "Steps", "步骤";
    JrnCanvasLabel => "Journey canvas: drag to pan, Delete removes the selection", "旅程画布：拖动可平移，按 Delete 删除所选";
    JrnZoom => "Zoom", "缩放";
    JrnZoomIn => "Zoom in", "放大";
    JrnZoomOut => "Zoom out", "缩小";
    JrnZoomReset => "Reset", "复位";
    JrnTrigger => "Trigger", "触发条件";
    JrnTriggerPlaceholder => "Drag a trigger from the palette", "从左侧拖入一个触发条件";
    JrnTriggerSource => "Captured from a source", "来自某个渠道";
    JrnTriggerStage => "Enters a stage", "进入某个阶段";
    JrnTriggerTag => "Tag added", "被打上标签";
    JrnTriggerScore => "Score in a band", "评分进入区间";
    JrnTriggerForm => "Submits a form", "提交表单";
    JrnTriggerInactive => "Inactive for days", "连续多天无动静";
    JrnTriggerManual => "Enrolled by hand", "手动加入";
    JrnTrigStageSummary => "Enters {stage}", "进入{stage}";
    JrnTrigSourceSummary => "New lead from {source}", "来自{source}的新线索";
    JrnTrigTagSummary => "Tagged “{tag}”", "被打上“{tag}”";
    JrnTrigInactiveSummary => "Quiet for {n} days", "{n} 天无动静";
    JrnAnySource => "any source", "任意渠道";
    JrnKindEmail => "Send email", "发送邮件";
    JrnKindWait => "Wait", "等待";
    JrnKindBranch => "Branch", "条件分支";
    JrnKindStage => "Set stage", "设置阶段";
    JrnKindAddTag => "Add tag", "添加标签";
    JrnKindRemoveTag => "Remove tag", "移除标签";
    JrnKindScore => "Adjust score", "调整评分";
    JrnKindNotify => "Notify owner", "通知负责人";
    JrnKindRoute => "Hand to routing", "转交分配";
    JrnKindExit => "Exit", "退出";
    JrnYes => "Yes", "是";
    JrnNo => "No", "否";
    JrnPortNext => "Then", "下一步";
    JrnPickTemplate => "Pick a template", "请选择邮件模板";
    JrnWaitFor => "Wait {d}", "等待 {d}";
    JrnWaitUntil => "Until {days} {time}", "直到 {days} {time}";
    JrnDays => "{n} days", "{n} 天";
    JrnHours => "{n} hours", "{n} 小时";
    JrnMinutes => "{n} minutes", "{n} 分钟";
    JrnOneDay => "1 day", "1 天";
    JrnOneHour => "1 hour", "1 小时";
    JrnOneMinute => "1 minute", "1 分钟";
    JrnMon => "Mon", "周一";
    JrnTue => "Tue", "周二";
    JrnWed => "Wed", "周三";
    JrnThu => "Thu", "周四";
    JrnFri => "Fri", "周五";
    JrnSat => "Sat", "周六";
    JrnSun => "Sun", "周日";
    JrnCondOpened => "Opened the previous email", "打开了上一封邮件";
    JrnCondClicked => "Clicked in the previous email", "点击了上一封邮件";
    JrnCondScoreAbove => "Score above", "评分高于";
    JrnCondScoreAboveN => "Score above {n}", "评分高于 {n}";
    JrnCondField => "Field equals", "字段等于";
    JrnCondStage => "Stage is", "阶段为";
    JrnRouteSummary => "Leaves for a rep", "离开旅程，分配给销售";
    JrnExitSummary => "Leaves the journey", "离开旅程";
    JrnCountEntered => "Leads that entered this step", "进入此步骤的线索数";
    JrnCountWaiting => "Leads waiting here now", "当前停留在此的线索数";
    JrnCountLeft => "Leads that left the journey here", "在此离开旅程的线索数";
    JrnCountEnteredShort => "in", "进入";
    JrnCountWaitingShort => "waiting", "等待";
    JrnCountLeftShort => "left", "离开";
    JrnDryBadgeTitle => "Dry run: {n} leads reach this step, {w} still waiting here", "试运行：{n} 条线索到达此步骤，{w} 条仍在此等待";
    JrnDryRun => "Dry run", "试运行";
    JrnDryDays => "over", "模拟";
    JrnDryOpenRate => "opens", "打开率";
    JrnDryRunButton => "Run on real leads", "用真实线索试运行";
    JrnDryRunning => "Simulating…", "模拟中…";
    JrnDrySummary => "{n} of {of} leads enter; after {days} days {done} have left", "{of} 条线索中 {n} 条进入；{days} 天后 {done} 条已离开";
    JrnDryClear => "Clear", "清除";
    JrnJourneySettings => "Journey", "旅程设置";
    JrnGoal => "Goal", "目标";
    JrnGoalNone => "No goal", "无目标";
    JrnGoalStage => "Reaches a stage", "到达某阶段";
    JrnGoalTag => "Has a tag", "带有某标签";
    JrnGoalHint => "A lead that reaches the goal leaves the journey at once, wherever it is.", "线索一旦达成目标，无论处于哪一步都会立即离开旅程。";
    JrnHowToTitle => "Build a journey", "如何搭建旅程";
    JrnHowTo1 => "Drag a trigger from the palette onto the canvas.", "从左侧把触发条件拖到画布上。";
    JrnHowTo2 => "Drag steps onto the canvas and arrange them.", "拖入步骤并排列好位置。";
    JrnHowTo3 => "Connect them: drag from a dot at the bottom of a box to the next box.", "连线：从方框底部的圆点拖到下一个方框。";
    JrnHowTo4 => "Click a box to set it up here, then activate.", "点击方框在此处设置，然后启用。";
    JrnConnection => "Connection", "连线";
    JrnRemoveConnection => "Remove connection", "删除连线";
    JrnDeleteNode => "Delete step", "删除步骤";
    JrnWhoEnters => "Who enters", "谁会进入";
    JrnStage => "Stage", "阶段";
    JrnSource => "Source", "来源渠道";
    JrnCampaignId => "Campaign ID", "营销活动 ID";
    JrnOptional => "Optional", "可选";
    JrnTag => "Tag", "标签";
    JrnTagPlaceholder => "e.g. webinar-2026", "如：webinar-2026";
    JrnScoreMin => "From score", "最低分";
    JrnScoreMax => "To score", "最高分";
    JrnFormId => "Form ID", "表单 ID";
    JrnAnyForm => "Any form", "任意表单";
    JrnInactiveDays => "Days without activity", "无动静天数";
    JrnManualHint => "Leads enter only when someone adds them by hand.", "只有手动添加的线索才会进入。";
    JrnTemplate => "Email template", "邮件模板";
    JrnManageTemplates => "Write or edit templates", "编写或修改邮件模板";
    JrnWaitMode => "Wait", "等待方式";
    JrnWaitDuration => "For a while", "等待一段时间";
    JrnWaitUntilMode => "Until a weekday and time", "等到指定星期和时间";
    JrnUnitMinutes => "minutes", "分钟";
    JrnUnitHours => "hours", "小时";
    JrnUnitDays => "days", "天";
    JrnWeekdays => "Weekdays", "星期";
    JrnAtTime => "At", "时间";
    JrnLeadClockHint => "On the lead's own clock.", "按线索所在时区计算。";
    JrnCondition => "Condition", "条件";
    JrnValue => "Value", "值";
    JrnBranchHint => "Leads that meet the condition take the Yes path; the rest take No.", "满足条件的线索走“是”，其余走“否”。";
    JrnPoints => "Points", "分值";
    JrnPointsHint => "Between -1000 and 1000, not 0. Negative points lower the score.", "介于 -1000 与 1000 之间且不为 0；负数表示扣分。";
    JrnMessage => "Message to the owner", "发给负责人的消息";
    JrnRouteHint => "The lead leaves the journey and the routing rules give it to a rep.", "线索离开旅程，由分配规则分给销售。";
    JrnExitHint => "The lead leaves the journey here.", "线索在此离开旅程。";
    TplTitle => "Email templates", "邮件模板";
    TplSubtitle => "What journeys send, with the lead's name and company filled in", "旅程发送的邮件内容，可自动填入线索姓名和公司";
    TplNew => "New template", "新建模板";
    TplName => "Template name", "模板名称";
    TplNamePlaceholder => "e.g. Welcome after the trade show", "如：展会后欢迎信";
    TplSubject => "Subject", "邮件主题";
    TplBody => "Body", "正文";
    TplInsert => "Insert:", "插入变量：";
    TplBodyHint => "Links become tracked links; an unsubscribe link is added to every email.", "正文中的链接会自动变为可追踪链接；每封邮件都会附上退订链接。";
    TplSave => "Save template", "保存模板";
    TplSaved => "Template “{name}” saved.", "模板“{name}”已保存。";
    TplPreview => "Preview", "预览";
    TplPreviewEmpty => "Start typing to see the email as a lead receives it.", "开始输入后，这里会显示线索收到的邮件样子。";
    TplTestSend => "Send a test", "发送测试邮件";
    TplSend => "Send", "发送";
    TplTestSent => "Test email sent to {to}.", "测试邮件已发送至 {to}。";
    TplSaveFirst => "Save the template first, then send yourself a test.", "请先保存模板，再给自己发一封测试邮件。";
}

/// The text for `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let (en, zh) = key.texts();
    match lang {
        Lang::En => en,
        Lang::ZhCn => zh,
    }
}

/// The text for `key` with `{name}` placeholders filled from `args`.
pub fn tf(lang: Lang, key: Key, args: &[(&str, &str)]) -> String {
    let mut text = t(lang, key).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The translated explanation for a mutation's `userErrors` code.
pub fn user_error_key(code: UserErrorCode) -> Key {
    match code {
        UserErrorCode::Invalid => Key::ErrInvalid,
        UserErrorCode::Required => Key::ErrRequired,
        UserErrorCode::Taken => Key::ErrTaken,
        UserErrorCode::NotFound => Key::ErrNotFound,
        UserErrorCode::InvalidCredentials => Key::ErrInvalidCredentials,
        UserErrorCode::RateLimited => Key::ErrRateLimited,
        UserErrorCode::TokenInvalid => Key::ErrTokenInvalid,
        UserErrorCode::Conflict => Key::ErrConflict,
    }
}

pub fn role_key(role: Role) -> Key {
    match role {
        Role::Admin => Key::RoleAdmin,
        Role::Manager => Key::RoleManager,
        Role::Rep => Key::RoleRep,
        Role::Marketer => Key::RoleMarketer,
    }
}

pub fn scope_key(scope: ApiScope) -> Key {
    match scope {
        ApiScope::LeadsRead => Key::ScopeLeadsRead,
        ApiScope::LeadsWrite => Key::ScopeLeadsWrite,
        ApiScope::Capture => Key::ScopeCapture,
        ApiScope::AssignmentsSubscribe => Key::ScopeAssignmentsSubscribe,
    }
}

pub fn stage_key(stage: LeadStage) -> Key {
    match stage {
        LeadStage::Lead => Key::StageLead,
        LeadStage::Mql => Key::StageMql,
        LeadStage::Sql => Key::StageSql,
        LeadStage::Opportunity => Key::StageOpportunity,
        LeadStage::Customer => Key::StageCustomer,
        LeadStage::Lost => Key::StageLost,
        LeadStage::Recycled => Key::StageRecycled,
    }
}

pub fn channel_key(channel: Channel) -> Key {
    match channel {
        Channel::WebForm => Key::ChannelWebForm,
        Channel::Api => Key::ChannelApi,
        Channel::Import => Key::ChannelImport,
        Channel::PaidAds => Key::ChannelPaidAds,
        Channel::Organic => Key::ChannelOrganic,
        Channel::Event => Key::ChannelEvent,
        Channel::Referral => Key::ChannelReferral,
        Channel::Inbound => Key::ChannelInbound,
        Channel::Outbound => Key::ChannelOutbound,
        Channel::Other => Key::ChannelOther,
    }
}

/// The name of a timeline event kind, or `None` for kinds this version does not know
/// (shown raw, so a newer server never makes an event disappear).
pub fn event_kind_key(kind: &str) -> Option<Key> {
    match kind {
        "captured" => Some(Key::EventCaptured),
        "captured_again" => Some(Key::EventCapturedAgain),
        "call" => Some(Key::KindCall),
        "email" => Some(Key::KindEmail),
        "visit" => Some(Key::KindVisit),
        "note" => Some(Key::KindNote),
        "updated" => Some(Key::EventUpdated),
        "task_created" => Some(Key::EventTaskCreated),
        "task_done" => Some(Key::EventTaskDone),
        "page_view" => Some(Key::EventPageView),
        "download" => Some(Key::EventDownload),
        "webinar_attended" => Some(Key::EventWebinarAttended),
        "email_open" => Some(Key::EventEmailOpen),
        "email_click" => Some(Key::EventEmailClick),
        "form_submit" => Some(Key::EventFormSubmit),
        "custom" => Some(Key::EventCustom),
        "merged" => Some(Key::EventMerged),
        "assigned" => Some(Key::EventAssigned),
        "stage_changed" => Some(Key::EventStageChanged),
        _ => None,
    }
}

pub fn activity_kind_key(kind: ActivityKind) -> Key {
    match kind {
        ActivityKind::Call => Key::KindCall,
        ActivityKind::Email => Key::KindEmail,
        ActivityKind::Visit => Key::KindVisit,
        ActivityKind::Note => Key::KindNote,
    }
}

pub fn outcome_key(outcome: ActivityOutcome) -> Key {
    match outcome {
        ActivityOutcome::Connected => Key::OutcomeConnected,
        ActivityOutcome::NoAnswer => Key::OutcomeNoAnswer,
        ActivityOutcome::LeftMessage => Key::OutcomeLeftMessage,
        ActivityOutcome::Interested => Key::OutcomeInterested,
        ActivityOutcome::NotInterested => Key::OutcomeNotInterested,
        ActivityOutcome::BadContact => Key::OutcomeBadContact,
    }
}

/// The name of a lead field as forms and the edit panel call it (`personName`, `phone`,
/// ...), or `None` for names this version does not know (custom fields).
pub fn lead_field_key(name: &str) -> Option<Key> {
    Some(match name {
        "personName" => Key::Name,
        "company" => Key::Company,
        "title" => Key::JobTitle,
        "email" => Key::Email,
        "phone" => Key::Mobile,
        "province" => Key::Province,
        "city" => Key::City,
        "industry" => Key::Industry,
        "companySize" => Key::CompanySize,
        "tags" => Key::Tags,
        _ => return None,
    })
}

/// The words for a scoring operator, read after the field: "Job title contains any of".
pub fn operator_key(op: Operator) -> Key {
    match op {
        Operator::Contains => Key::OpContains,
        Operator::Equals => Key::OpEquals,
        Operator::StartsWith => Key::OpStartsWith,
        Operator::EndsWith => Key::OpEndsWith,
        Operator::ContainsAny => Key::OpContainsAny,
        Operator::In => Key::OpIn,
        Operator::NotIn => Key::OpNotIn,
        Operator::HasAny => Key::OpHasAny,
        Operator::HasAll => Key::OpHasAll,
        Operator::Gt => Key::OpGt,
        Operator::Gte => Key::OpGte,
        Operator::Lt => Key::OpLt,
        Operator::Lte => Key::OpLte,
        Operator::Between => Key::OpBetween,
        Operator::IsSet => Key::OpIsSet,
        Operator::IsEmpty => Key::OpIsEmpty,
    }
}

/// What a behaviour rule listens for.
pub fn behaviour_kind_key(kind: BehaviourKind) -> Key {
    match kind {
        BehaviourKind::PageView => Key::BehaviourPageView,
        BehaviourKind::Download => Key::BehaviourDownload,
        BehaviourKind::WebinarAttended => Key::BehaviourWebinar,
        BehaviourKind::EmailOpen => Key::BehaviourEmailOpen,
        BehaviourKind::EmailClick => Key::BehaviourEmailClick,
        BehaviourKind::FormSubmit => Key::BehaviourFormSubmit,
        BehaviourKind::Custom => Key::EventCustom,
    }
}

/// A lead field as a fit rule names it.
pub fn scoring_field_key(field: &LeadField) -> Key {
    match field {
        LeadField::Title => Key::JobTitle,
        LeadField::Company => Key::Company,
        LeadField::CompanySize => Key::CompanySize,
        LeadField::Industry => Key::Industry,
        LeadField::Province => Key::Province,
        LeadField::City => Key::City,
        LeadField::Source => Key::Source,
        LeadField::Campaign => Key::FieldCampaign,
        LeadField::Tags => Key::Tags,
        LeadField::EmailDomain => Key::FieldEmailDomain,
        LeadField::Stage => Key::Stage,
        LeadField::Custom(_) => Key::CustomFieldChoice,
    }
}

/// A field the predictive model learned from, as the server names it in a factor; `None`
/// for names this version does not know (the factor's own label is shown then).
pub fn factor_field_key(field: &str) -> Option<Key> {
    Some(match field {
        "industry" => Key::Industry,
        "province" => Key::Province,
        "city" => Key::City,
        "source" => Key::Source,
        "titleLevel" => Key::FactorSeniority,
        "companySize" => Key::CompanySize,
        "pageViews" => Key::FactorPageViews,
        "webinars" => Key::FactorWebinars,
        "downloads" => Key::FactorDownloads,
        "emailClicks" => Key::FactorEmailClicks,
        "emailOpens" => Key::FactorEmailOpens,
        "formSubmits" => Key::FactorFormSubmits,
        _ => return None,
    })
}

/// Factor values that are words rather than data: seniority levels, "unknown", and
/// the pool of rare values ("other").
pub fn factor_value_key(value: &str) -> Option<Key> {
    Some(match value {
        "executive" => Key::LevelExecutive,
        "director" => Key::LevelDirector,
        "manager" => Key::LevelManager,
        "staff" => Key::LevelStaff,
        "unknown" => Key::ValueUnknown,
        "other" => Key::ChannelOther,
        _ => return None,
    })
}

// Pool, notifications and the live feed: the words for their enums.

/// Why a lead's owner changed.
pub fn assignment_reason_key(reason: AssignmentReason) -> Key {
    match reason {
        AssignmentReason::Rule => Key::ReasonRule,
        AssignmentReason::Manual => Key::ReasonManual,
        AssignmentReason::Claim => Key::ReasonClaim,
        AssignmentReason::SlaRecycle => Key::ReasonSlaRecycle,
        AssignmentReason::Merge => Key::ReasonMerge,
    }
}

/// Where a first-contact clock stands.
pub fn sla_state_key(state: SlaState) -> Key {
    match state {
        SlaState::Running => Key::LeadSlaRunning,
        SlaState::Reminded => Key::LeadSlaReminded,
        SlaState::Escalated => Key::LeadSlaEscalated,
        SlaState::Met => Key::LeadSlaMet,
        SlaState::Recycled => Key::LeadSlaRecycled,
        SlaState::Cancelled => Key::LeadSlaCancelled,
    }
}

/// Whose assignments the live feed shows.
pub fn feed_scope_key(scope: FeedScope) -> Key {
    match scope {
        FeedScope::Mine => Key::FeedScopeMine,
        FeedScope::Team => Key::FeedScopeTeam,
        FeedScope::All => Key::FeedScopeAll,
    }
}

/// The current language plus a way to change it; what components get from [`use_i18n`].
#[derive(Clone, PartialEq)]
pub struct I18n {
    pub lang: Lang,
    set: Callback<Lang>,
}

impl I18n {
    pub fn t(&self, key: Key) -> &'static str {
        t(self.lang, key)
    }

    pub fn tf(&self, key: Key, args: &[(&str, &str)]) -> String {
        tf(self.lang, key, args)
    }

    pub fn set_lang(&self, lang: Lang) {
        self.set.emit(lang);
    }

    /// How long ago (or until) an RFC 3339 timestamp is, e.g. "3 hours ago" / "3小时前";
    /// past a month it falls back to the date. Worded by the browser's `Intl`, in the UI
    /// language.
    pub fn relative(&self, rfc3339: &str) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if date.get_time().is_nan() {
            return rfc3339.to_owned();
        }
        let seconds = (date.get_time() - js_sys::Date::now()) / 1000.0;
        let Some((value, unit)) = relative_unit(seconds) else {
            return self.date(rfc3339);
        };
        let options = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&options, &"numeric".into(), &"auto".into());
        let locales = js_sys::Array::of1(&self.lang.tag().into());
        js_sys::Intl::RelativeTimeFormat::new(&locales, &options)
            .format(value, unit)
            .into()
    }

    /// An RFC 3339 timestamp as a date in the user's own time zone.
    pub fn date(&self, rfc3339: &str) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if date.get_time().is_nan() {
            return rfc3339.to_owned();
        }
        let options = js_sys::Object::new();
        for (k, v) in [("year", "numeric"), ("month", "short"), ("day", "numeric")] {
            let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
        }
        date.to_locale_date_string(self.lang.tag(), &options).into()
    }

    /// An RFC 3339 timestamp as a short date and time in the user's own time zone.
    pub fn datetime(&self, rfc3339: &str) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if date.get_time().is_nan() {
            return rfc3339.to_owned();
        }
        let options = js_sys::Object::new();
        for (k, v) in [
            ("year", "numeric"),
            ("month", "short"),
            ("day", "numeric"),
            ("hour", "2-digit"),
            ("minute", "2-digit"),
        ] {
            let _ = js_sys::Reflect::set(&options, &k.into(), &v.into());
        }
        date.to_locale_string(self.lang.tag(), &options).into()
    }
}

/// The value and `Intl` unit for a distance of `seconds` (negative: in the past), or
/// `None` when it is far enough away that a date reads better.
fn relative_unit(seconds: f64) -> Option<(f64, &'static str)> {
    const MINUTE: f64 = 60.0;
    const HOUR: f64 = 60.0 * MINUTE;
    const DAY: f64 = 24.0 * HOUR;
    let abs = seconds.abs();
    if abs < 45.0 {
        Some((0.0, "second"))
    } else if abs < HOUR {
        Some(((seconds / MINUTE).round(), "minute"))
    } else if abs < DAY {
        Some(((seconds / HOUR).round(), "hour"))
    } else if abs < 30.0 * DAY {
        Some(((seconds / DAY).round(), "day"))
    } else {
        None
    }
}

#[derive(Properties, PartialEq)]
pub struct LangProviderProps {
    #[prop_or_default]
    pub children: Html,
}

/// Holds the UI language for everything below it and mirrors it into `<html lang>`,
/// which also makes the browser pick Chinese glyph shapes for CJK text.
#[component]
pub fn LangProvider(props: &LangProviderProps) -> Html {
    let lang = use_state(Lang::detect);
    {
        let lang = *lang;
        use_effect_with(lang, move |lang| {
            lang.persist();
            if let Some(root) = gloo::utils::document().document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
        });
    }
    let set = {
        let lang = lang.clone();
        Callback::from(move |next: Lang| lang.set(next))
    };
    let i18n = I18n { lang: *lang, set };
    html! {
        <ContextProvider<I18n> context={i18n}>
            { props.children.clone() }
        </ContextProvider<I18n>>
    }
}

/// The language context; components call `i18n.t(Key::...)` for every visible string.
#[hook]
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or(I18n {
        lang: Lang::En,
        set: Callback::noop(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
            .collect()
    }

    #[test]
    fn every_key_has_both_languages() {
        for key in Key::ALL {
            for lang in Lang::ALL {
                assert!(
                    !t(lang, *key).trim().is_empty(),
                    "{key:?} has no {} text",
                    lang.tag()
                );
            }
        }
    }

    #[test]
    fn placeholders_match_across_languages() {
        for key in Key::ALL {
            assert_eq!(
                placeholders(t(Lang::En, *key)),
                placeholders(t(Lang::ZhCn, *key)),
                "{key:?} placeholders differ"
            );
        }
    }

    #[test]
    fn chinese_is_actually_chinese_for_words() {
        // Catch copy-paste of the English text into the Chinese column.
        let same: Vec<_> = Key::ALL
            .iter()
            .filter(|k| t(Lang::En, **k) == t(Lang::ZhCn, **k))
            .collect();
        // Product names and acronyms that Chinese sales teams use as they are.
        assert_eq!(
            same,
            vec![
                &Key::AppName,
                &Key::EmailPlaceholder,
                &Key::StageMql,
                &Key::StageSql,
                &Key::ChannelApi
            ]
        );
    }

    #[test]
    fn browser_language_picks_chinese_for_any_zh_tag() {
        assert_eq!(Lang::for_browser_tag("zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::for_browser_tag("zh-TW"), Lang::ZhCn);
        assert_eq!(Lang::for_browser_tag("ZH"), Lang::ZhCn);
        assert_eq!(Lang::for_browser_tag("en-US"), Lang::En);
        assert_eq!(Lang::for_browser_tag("de"), Lang::En);
    }

    #[test]
    fn tf_fills_placeholders() {
        assert_eq!(tf(Lang::En, Key::UsersCount, &[("n", "3")]), "3 users");
        assert_eq!(
            tf(Lang::ZhCn, Key::UsersCount, &[("n", "3")]),
            "共 3 位用户"
        );
    }

    #[test]
    fn every_stage_and_channel_is_named() {
        let stages: BTreeSet<_> = LeadStage::ALL
            .iter()
            .map(|s| t(Lang::ZhCn, stage_key(*s)))
            .collect();
        assert_eq!(stages.len(), LeadStage::ALL.len());
        let channels: BTreeSet<_> = Channel::ALL
            .iter()
            .map(|c| t(Lang::En, channel_key(*c)))
            .collect();
        assert_eq!(channels.len(), Channel::ALL.len());
        assert_eq!(t(Lang::ZhCn, channel_key(Channel::WebForm)), "网站表单");
        assert_eq!(t(Lang::ZhCn, stage_key(LeadStage::Lost)), "已流失");
    }

    #[test]
    fn event_kinds_are_named_and_unknown_ones_are_not() {
        assert_eq!(event_kind_key("captured"), Some(Key::EventCaptured));
        assert_eq!(
            event_kind_key("captured_again"),
            Some(Key::EventCapturedAgain)
        );
        assert_eq!(event_kind_key("page_view"), Some(Key::EventPageView));
        assert_eq!(event_kind_key("journey_step"), None);
    }

    #[test]
    fn relative_units_step_up_and_give_way_to_dates() {
        assert_eq!(relative_unit(-10.0), Some((0.0, "second")));
        assert_eq!(relative_unit(-300.0), Some((-5.0, "minute")));
        assert_eq!(relative_unit(-3.0 * 3600.0), Some((-3.0, "hour")));
        assert_eq!(relative_unit(-2.0 * 86400.0), Some((-2.0, "day")));
        assert_eq!(relative_unit(-90.0 * 86400.0), None);
    }

    #[test]
    fn every_activity_kind_and_outcome_is_named() {
        let kinds: BTreeSet<_> = ActivityKind::ALL
            .iter()
            .map(|k| t(Lang::ZhCn, activity_kind_key(*k)))
            .collect();
        assert_eq!(kinds.len(), ActivityKind::ALL.len());
        for k in ActivityKind::ALL {
            assert_eq!(event_kind_key(k.as_str()), Some(activity_kind_key(k)));
        }
        assert_eq!(
            t(Lang::ZhCn, outcome_key(ActivityOutcome::Connected)),
            "已接通"
        );
        assert_eq!(lead_field_key("phone"), Some(Key::Mobile));
        assert_eq!(lead_field_key("custom:budget"), None);
    }

    #[test]
    fn every_operator_behaviour_and_scoring_field_is_named_apart() {
        for lang in Lang::ALL {
            let ops: BTreeSet<_> = Operator::ALL
                .iter()
                .map(|o| t(lang, operator_key(*o)))
                .collect();
            assert_eq!(ops.len(), Operator::ALL.len());
            let kinds: BTreeSet<_> = BehaviourKind::ALL
                .iter()
                .map(|k| t(lang, behaviour_kind_key(*k)))
                .collect();
            assert_eq!(kinds.len(), BehaviourKind::ALL.len());
            let fields: BTreeSet<_> = LeadField::STANDARD
                .iter()
                .map(|f| t(lang, scoring_field_key(f)))
                .collect();
            assert_eq!(fields.len(), LeadField::STANDARD.len());
        }
        assert_eq!(factor_field_key("titleLevel"), Some(Key::FactorSeniority));
        assert_eq!(factor_field_key("budget"), None);
        assert_eq!(factor_value_key("director"), Some(Key::LevelDirector));
    }

    #[test]
    fn every_user_error_code_is_translated() {
        use UserErrorCode::*;
        let codes = [
            Invalid,
            Required,
            Taken,
            NotFound,
            InvalidCredentials,
            RateLimited,
            TokenInvalid,
            Conflict,
        ];
        let keys: BTreeSet<_> = codes
            .iter()
            .map(|c| format!("{:?}", user_error_key(*c)))
            .collect();
        assert_eq!(keys.len(), codes.len());
    }
}
