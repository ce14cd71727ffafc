//! Users and teams administration, and who may do it.

use serde_json::json;

use crate::helpers::{error_code, spawn_app};

const CREATE: &str = "mutation($input: UserCreateInput!) { userCreate(input: $input) {
    user { id email name role regions industries capacity active team { name } }
    userErrors { field message code } } }";

#[tokio::test]
async fn admin_creates_edits_and_lists_users_and_teams() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;

    let manager_id = app
        .create_user(&admin, "zhou.min@example.com", "MANAGER", None)
        .await;
    let team = app
        .gql(
            Some(&admin),
            "mutation($input: TeamCreateInput!) { teamCreate(input: $input) {
                team { id name manager { email } } userErrors { field code } } }",
            json!({ "input": { "name": "华东大区", "managerId": manager_id } }),
        )
        .await;
    let team = &team["data"]["teamCreate"]["team"];
    assert_eq!(team["name"], "华东大区");
    assert_eq!(team["manager"]["email"], "zhou.min@example.com");
    let team_id = team["id"].as_str().unwrap();

    let created = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": {
                "email": "Wang.Wei@Example.com", "name": " 王伟 ", "password": "rep-password-123",
                "role": "REP", "teamId": team_id, "regions": ["上海", " 江苏 ", "上海", ""],
                "industries": ["制造业"], "capacity": 120
            } }),
        )
        .await;
    let user = &created["data"]["userCreate"]["user"];
    assert_eq!(
        created["data"]["userCreate"]["userErrors"],
        json!([]),
        "{created}"
    );
    assert_eq!(user["email"], "wang.wei@example.com");
    assert_eq!(user["name"], "王伟");
    assert_eq!(user["regions"], json!(["上海", "江苏"]));
    assert_eq!(user["capacity"], 120);
    assert_eq!(user["team"]["name"], "华东大区");
    let rep_id = user["id"].as_str().unwrap();

    let updated = app
        .gql(
            Some(&admin),
            "mutation($input: UserUpdateInput!) { userUpdate(input: $input) {
                user { role capacity team { name } } userErrors { code } } }",
            json!({ "input": { "id": rep_id, "role": "MARKETER", "capacity": 0, "teamId": null } }),
        )
        .await;
    assert_eq!(
        updated["data"]["userUpdate"]["user"],
        json!({ "role": "MARKETER", "capacity": 0, "team": null })
    );

    let teams = app
        .gql(
            Some(&admin),
            "{ teams { name members { email } } }",
            json!({}),
        )
        .await;
    assert_eq!(teams["data"]["teams"][0]["members"], json!([]));

    // A page of two, then the rest, with a stable order and a total.
    for i in 0..3 {
        app.create_user(&admin, &format!("rep{i}@example.com"), "REP", None)
            .await;
    }
    let page = app
        .gql(
            Some(&admin),
            "query($after: String) { users(first: 2, after: $after) {
                totalCount edges { cursor node { email } } pageInfo { hasNextPage endCursor } } }",
            json!({ "after": null }),
        )
        .await;
    let users = &page["data"]["users"];
    assert_eq!(users["totalCount"], 6);
    assert_eq!(users["edges"].as_array().unwrap().len(), 2);
    assert_eq!(users["pageInfo"]["hasNextPage"], true);
    let mut seen: Vec<String> = users["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["email"].as_str().unwrap().to_string())
        .collect();
    let mut after = users["pageInfo"]["endCursor"].clone();
    loop {
        let page = app
            .gql(
                Some(&admin),
                "query($after: String) { users(first: 2, after: $after) {
                    edges { node { email } } pageInfo { hasNextPage endCursor } } }",
                json!({ "after": after }),
            )
            .await;
        let users = &page["data"]["users"];
        seen.extend(
            users["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["email"].as_str().unwrap().to_string()),
        );
        if users["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = users["pageInfo"]["endCursor"].clone();
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen.len(),
        6,
        "every user exactly once across pages: {seen:?}"
    );

    let found = app
        .gql(
            Some(&admin),
            "{ users(search: \"王\") { totalCount edges { node { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(found["data"]["users"]["totalCount"], 1);
}

#[tokio::test]
async fn bad_user_input_gets_field_errors_and_writes_nothing() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    let body = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": {
                "email": "not-an-email", "name": "  ", "password": "short", "role": "REP", "capacity": -1
            } }),
        )
        .await;
    let payload = &body["data"]["userCreate"];
    assert!(payload["user"].is_null());
    let fields: Vec<(&str, &str)> = payload["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("email", "INVALID"),
            ("name", "REQUIRED"),
            ("password", "INVALID"),
            ("capacity", "INVALID")
        ]
    );

    app.create_user(&admin, "li.na@example.com", "REP", None)
        .await;
    let duplicate = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": { "email": "LI.NA@example.com", "name": "李娜", "password": "rep-password-123", "role": "REP" } }),
        )
        .await;
    assert_eq!(
        duplicate["data"]["userCreate"]["userErrors"][0]["code"],
        "TAKEN"
    );

    let missing_team = app
        .gql(
            Some(&admin),
            CREATE,
            json!({ "input": { "email": "x@example.com", "name": "X", "password": "rep-password-123",
                               "role": "REP", "teamId": uuid::Uuid::now_v7().to_string() } }),
        )
        .await;
    assert_eq!(
        missing_team["data"]["userCreate"]["userErrors"][0]["code"],
        "NOT_FOUND"
    );
    assert_eq!(
        missing_team["data"]["userCreate"]["userErrors"][0]["field"],
        "teamId"
    );

    let total = app
        .gql(Some(&admin), "{ users { totalCount } }", json!({}))
        .await;
    assert_eq!(
        total["data"]["users"]["totalCount"], 2,
        "only the admin and li.na exist"
    );

    let bad_id = app
        .gql(
            Some(&admin),
            "mutation { userDeactivate(input: { id: \"nope\" }) { user { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&bad_id), "BAD_REQUEST");

    let rep_manager = app
        .gql(
            Some(&admin),
            "mutation($m: ID!) { teamCreate(input: { name: \"T\", managerId: $m }) { userErrors { field code } } }",
            json!({ "m": app.create_user(&admin, "rep2@example.com", "REP", None).await }),
        )
        .await;
    assert_eq!(
        rep_manager["data"]["teamCreate"]["userErrors"][0]["field"],
        "managerId"
    );

    let myself = app
        .gql(
            Some(&admin),
            "mutation($id: ID!) { userDeactivate(input: { id: $id }) { userErrors { code } } }",
            json!({ "id": app.admin_id }),
        )
        .await;
    assert_eq!(
        myself["data"]["userDeactivate"]["userErrors"][0]["code"],
        "CONFLICT"
    );
}

#[tokio::test]
async fn each_role_reaches_only_what_it_may() {
    let app = spawn_app().await;
    let admin = app.admin_token().await;
    for (email, role) in [
        ("rep@example.com", "REP"),
        ("mgr@example.com", "MANAGER"),
        ("mkt@example.com", "MARKETER"),
    ] {
        app.create_user(&admin, email, role, None).await;
    }
    let token = |email: &'static str| {
        let app = &app;
        async move {
            app.login(email, "rep-password-123").await["accessToken"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let rep = token("rep@example.com").await;
    let manager = token("mgr@example.com").await;
    let marketer = token("mkt@example.com").await;

    let list_users = "{ users { totalCount } }";
    let create = "mutation { userCreate(input: { email: \"new@example.com\", name: \"N\", password: \"password-12345\", role: REP }) { user { id } } }";
    let keys = "{ apiKeys { id } }";
    let teams = "{ teams { id } }";
    let cases = [
        (&rep, list_users, "FORBIDDEN"),
        (&marketer, list_users, "FORBIDDEN"),
        (&manager, list_users, "OK"),
        (&admin, list_users, "OK"),
        (&rep, create, "FORBIDDEN"),
        (&manager, create, "FORBIDDEN"),
        (&marketer, create, "FORBIDDEN"),
        (&rep, keys, "FORBIDDEN"),
        (&manager, keys, "FORBIDDEN"),
        (&admin, keys, "OK"),
        (&rep, teams, "OK"),
        (&marketer, teams, "OK"),
    ];
    for (token, query, expected) in cases {
        let body = app.gql(Some(token), query, json!({})).await;
        let got = if body["errors"].is_null() {
            "OK"
        } else {
            error_code(&body)
        };
        assert_eq!(got, expected, "{query} -> {body}");
    }
    let anonymous = app.gql(None, teams, json!({})).await;
    assert_eq!(error_code(&anonymous), "UNAUTHENTICATED");
}
