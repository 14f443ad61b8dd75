/// Fixed keys made with GnuPG for fuzzing only (no passphrase, never used for anything else): the
/// decryption key the message target decrypts with, and the signer the signature target trusts.
/// The seed corpora hold messages encrypted to the first and signatures made by the second.
enum FuzzKeys {
    static let decryptionSecret = """
        -----BEGIN PGP PRIVATE KEY BLOCK-----

        lFgEawvo/hYJKwYBBAHaRw8BAQdAU1cMQnoP41hhHd40nTWcxeYc3lGEfwtf4w45
        BhqO1OYAAQCJdRx62eUB/xbNcH5WX8qWBRVPjGI3/qjrkFqJX7lSUg+HtCNGdXp6
        IERlY3J5cHQgPGZ1enpAZXhhbXBsZS5pbnZhbGlkPoiQBBMWCAA4FiEEkroXuS57
        IM692yCHVMdtQxSAOXMFAmsL6P4CGwMFCwkIBwIGFQoJCAsCBBYCAwECHgECF4AA
        CgkQVMdtQxSAOXNWrwEA9tCYwNLjY9SE0bBTTmih5IyERMNi1QXXFxJOggOY0BwB
        AKCKCJt/eUh0x3vg0Dwgog3C/3Q4x2SazvmcWwGeqAMCnF0Eawvo/hIKKwYBBAGX
        VQEFAQEHQGJgWVGw4gTXOUv0/xhRg0B6x45DoBi4jWtCAigCFkd7AwEIBwAA/0Im
        uM6g1S9h/1uN45uHPlQN0vBM9grzY3RIzBV4w4gAEUGIeAQYFggAIBYhBJK6F7ku
        eyDOvdsgh1THbUMUgDlzBQJrC+j+AhsMAAoJEFTHbUMUgDlzX/sBAKVKUfsD7inJ
        CxFau57X/EgUON+bZHDDfeEOgAGaQ0UKAP97MpBAsZ7rDtFOJA9r5YInJ2Jvr5NQ
        3r6WaB86THItDQ==
        =+ie7
        -----END PGP PRIVATE KEY BLOCK-----
        """

    static let signerPublic = """
        -----BEGIN PGP PUBLIC KEY BLOCK-----

        mDMEawvo/hYJKwYBBAHaRw8BAQdAyM4ro5dZ6+vk41brtofusc+ESJwLgct+odCG
        qn03lBC0JEZ1enogU2lnbmVyIDxzaWduZXJAZXhhbXBsZS5pbnZhbGlkPoiQBBMW
        CAA4FiEEegB5QoO07P/niWgFIzXOGGsuetAFAmsL6P4CGwMFCwkIBwIGFQoJCAsC
        BBYCAwECHgECF4AACgkQIzXOGGsuetBlsAD/QzULCbOLj+Dl9hblohX+LwmfLRGF
        UmjgIxufvt6KhhcBAKlGaRbyJEcnjZ1S7PsoYLsFaJWw2nRoE7JUCURRV60M
        =ivB3
        -----END PGP PUBLIC KEY BLOCK-----
        """

    static let decryptionPublic = """
        -----BEGIN PGP PUBLIC KEY BLOCK-----

        mDMEawvo/hYJKwYBBAHaRw8BAQdAU1cMQnoP41hhHd40nTWcxeYc3lGEfwtf4w45
        BhqO1Oa0I0Z1enogRGVjcnlwdCA8ZnV6ekBleGFtcGxlLmludmFsaWQ+iJAEExYI
        ADgWIQSSuhe5Lnsgzr3bIIdUx21DFIA5cwUCawvo/gIbAwULCQgHAgYVCgkICwIE
        FgIDAQIeAQIXgAAKCRBUx21DFIA5c1avAQD20JjA0uNj1ITRsFNOaKHkjIREw2LV
        BdcXEk6CA5jQHAEAoIoIm395SHTHe+DQPCCiDcL/dDjHZJrO+ZxbAZ6oAwK4OARr
        C+j+EgorBgEEAZdVAQUBAQdAYmBZUbDiBNc5S/T/GFGDQHrHjkOgGLiNa0ICKAIW
        R3sDAQgHiHgEGBYIACAWIQSSuhe5Lnsgzr3bIIdUx21DFIA5cwUCawvo/gIbDAAK
        CRBUx21DFIA5c1/7AQClSlH7A+4pyQsRWrue1/xIFDjfm2Rww33hDoABmkNFCgD/
        ezKQQLGe6w7RTiQPa+WCJydib6+TUN6+lmgfOkxyLQ0=
        =3Ri9
        -----END PGP PUBLIC KEY BLOCK-----
        """
}
