public import JifenApp
public import JifenCore

/// The registry: volunteers, teams and their organizers.
extension API {
    public static let volunteers = Endpoint<App.VolunteersQuery, [Volunteer]>(
        .get, "/v1/volunteers", "volunteers", "Volunteers, phone and ID masked",
        sample: .init(community: "C01", team: "T01")
    ) { app, p, q in try app.volunteers(p, q) }
    public static let volunteer = Endpoint<Ref.Volunteer, App.VolunteerStanding>(
        .get, "/v1/volunteers/{volunteer}", "volunteer", "One volunteer with their points and hours",
        sample: .init(volunteer: "V0001")
    ) { app, p, input in try app.volunteer(p, input.volunteer) }
    public static let addVolunteer = Endpoint<App.VolunteerInput, Volunteer>(
        .post, "/v1/volunteers", "addVolunteer", "Register a volunteer (an admin or organizer)",
        sample: .init(
            name: "Zhang", phone: "13800001234", gender: "female", birthDate: "1950-03-01", idNumber: nil,
            area: "Block 3",
            skills: "", categories: "", team: "T01", community: "C01", consent: true, allowDuplicate: false)
    ) { app, p, input in
        try app.addVolunteer(p, input)
    }
    public static let addTeam = Endpoint<App.TeamInput, Team>(
        .post, "/v1/teams", "addTeam", "Add a volunteer team (admin)",
        sample: .init(name: "Patrol", leader: "Wang", community: "C01", organizer: "Wang")
    ) { app, p, input in try app.addTeam(p, input) }
    public static let addOrganizer = Endpoint<App.OrganizerInput, App.OrganizerResult>(
        .post, "/v1/teams/{team}/organizers", "addOrganizer", "Let someone organize a team (admin)",
        sample: .init(team: "T01", organizer: "Wang")
    ) { app, p, input in try app.addOrganizer(p, input) }
    public static let teams = Endpoint<Ref.Nothing, [Team]>(
        .get, "/v1/teams", "teams", "Volunteer teams", sample: .init()
    ) { app, p, _ in try app.teams(p) }

    /// This area's endpoints, in `API.all`.
    static let registryEndpoints: [AnyEndpoint] = [
        AnyEndpoint(volunteers), AnyEndpoint(volunteer), AnyEndpoint(addVolunteer), AnyEndpoint(addTeam),
        AnyEndpoint(addOrganizer), AnyEndpoint(teams),
    ]
}
