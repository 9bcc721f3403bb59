package io.relata.examples.web;

/**
 * A user as the API shows it (and as {@code POST /users} takes it): the card and company are {@code null} when
 * there are none; ids are ignored on POST.
 *
 * @param id the user's id
 * @param name the user's name
 * @param creditCard the card, or {@code null}
 * @param company the company, or {@code null}
 */
public record UserView(Long id, String name, CardView creditCard, CompanyView company) {

    /**
     * A credit card as the API shows it.
     *
     * @param id the card's id
     * @param number the card number, unique
     */
    public record CardView(Long id, String number) {
    }

    /**
     * A company as the API shows it.
     *
     * @param id the company's id
     * @param name its name, unique: an existing name links the user to that company
     */
    public record CompanyView(Long id, String name) {
    }

    static UserView of(User user) {
        CreditCard card = user.creditCard;
        Company company = user.company;
        return new UserView(user.getId(), user.name, card == null ? null : new CardView(card.getId(), card.number),
                company == null ? null : new CompanyView(company.id, company.name));
    }
}
