import Foundation

extension Rules {
    /// The retention period. Five years by default: longer than points stay valid (36 months
    /// by default), so nobody is erased while points or a certificate may still be asked for,
    /// and short enough that a person who left is not kept for a decade.
    static let retentionDefinitions: [SettingDefinition] = [
        SettingDefinition(
            key: "retention.inactive_years", defaultValue: "5",
            meaning: Bilingual(
                zh: "多少年没有任何活动（服务记录、积分往来、登录等）后注销其个人信息（0 为不自动注销）",
                en:
                    "years without any activity (service, points, sign-in …) after which a person's data is erased (0: never)"
            )
        ) { rules, value in
            guard let years = Int(value.trimmingCharacters(in: .whitespaces)), (0...50).contains(years) else {
                throw JifenError.usage(
                    .badSetting, zh: "设置 retention.inactive_years 的值「\(value)」无效，应为 0 到 50 之间的整数（年）。",
                    en:
                        "The value \"\(value)\" for retention.inactive_years is not valid; expected a whole number of years from 0 to 50."
                )
            }
            rules.retentionInactiveYears = years
        }
    ]
}
