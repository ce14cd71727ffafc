//! Each open lead's predicted chance to be won and the factors behind it, written when
//! the predictive model is trained and whenever the lead changes, so lists and
//! dashboards can read it like the rule score.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Leads {
    Table,
    WinProbability,
    WinFactors,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ColumnDef::new(Leads::WinProbability)
                .double()
                .null()
                .to_owned(),
            ColumnDef::new(Leads::WinFactors).json().null().to_owned(),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Leads::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Leads::WinFactors, Leads::WinProbability] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Leads::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
