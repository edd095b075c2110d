#!/usr/bin/env python3
"""Generate the demo consortium's catalogue feeds (config/demo/feeds/, feeds.toml, README counts).

Six FICTIONAL universities publish micro-credentials: five as native Climbing Frame JSON feeds
(docs/feed-format.md) and one as an XCRI-CAP 1.2 XML feed. A seventh, the onboarding member, is written by
make_onboarding_feed.py (called at the end) the way real university feeds are. Everything here is invented: the
institutions, their UKPRN-like identifiers (100990xx) and the ``.ac.example`` domains.

The output is deterministic: one fixed random seed and a fixed "generated" timestamp, so running the
script twice gives byte-identical files. Standard library only.

    python deploy/demo/make_demo_feeds.py            # writes config/demo/feeds/*, config/demo/feeds.toml
    python deploy/demo/make_demo_feeds.py --out DIR  # somewhere else (DIR/feeds/..., DIR/feeds.toml)

Deliberate oddities, so the demo has something to show (see config/demo/README.md):
  * two invalid records in the Kingsbridge feed (quarantined by the harvester),
  * three withdrawn courses in the Northmoor feed,
  * near-duplicate courses offered by two providers (for overlap detection),
  * pathways (stackable awards) published by Wychbury and referenced from its courses.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import make_onboarding_feed  # beside this script

SEED = 20260115
GENERATED = "2026-01-15T06:00:00Z"
ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------------------
# Subject families: outcome templates, summary hooks, aims, skills, assessment, PSRB bodies.
# Outcome templates are (tier, text): tier 1 = describe/explain (levels 4-5), 2 = apply/analyse,
# 3 = critically evaluate/synthesise/design (levels 6-8). {a} {b} {c} are the course's key concepts.
# ---------------------------------------------------------------------------------------------------

FAMILIES: dict[str, dict] = {
    "computing": {
        "outcomes": [
            (1, "Describe the core principles of {a} and explain their place in a typical technical workflow."),
            (1, "Explain the key terminology associated with {b} and use this vocabulary accurately in written work."),
            (1, "Identify common pitfalls in {c} and describe simple techniques for avoiding them."),
            (2, "Apply {a} to a realistic, messy dataset or system and document each design decision."),
            (2, "Build a working solution that makes use of {b}, with version control, automated tests and clear documentation."),
            (2, "Analyse the trade-offs between alternative approaches to {c} in terms of accuracy, cost and maintainability."),
            (2, "Communicate the results of work on {a} to non-specialist stakeholders in written and visual form."),
            (3, "Critically evaluate alternative approaches to {a} and justify the choice of approach for a given organisational problem."),
            (3, "Design and justify a reproducible solution that integrates {b} and {c}."),
            (3, "Critically assess the legal, ethical and professional implications of {a}, with reference to UK GDPR and the BCS Code of Conduct."),
            (3, "Synthesise current research and practitioner literature on {b} to recommend improvements to existing practice."),
            (3, "Evaluate the robustness and limitations of {c}, proposing and testing mitigations."),
        ],
        "hooks": [
            "A hands-on course on {a}, with guided lab work on {b}.",
            "This micro-credential builds practical capability in {a} and {b}, using problems drawn from industry and the public sector.",
            "Focused on {a}, the course combines short recorded lectures with weekly exercises on {b} and {c}.",
            "Learn how professionals use {a} in practice and gain confidence with {b} through a sequence of realistic tasks.",
            "Designed with employers, this course takes you from the fundamentals of {a} to working confidently with {c}.",
        ],
        "aims": [
            "To develop a rigorous, practical understanding of {a} and the confidence to apply {b} in your own work.",
            "To equip learners to use {a} responsibly and effectively, with particular attention to {c}.",
            "To provide the knowledge and hands-on experience needed to plan, build and evaluate work involving {a} and {b}.",
        ],
        "audience": [
            "Suited to analysts, developers and technical professionals who want a recognised, assessed qualification.",
            "Ideal if you already work with data or software and want to formalise and extend your skills.",
            "Aimed at graduates and career changers moving into technical roles.",
        ],
        "skills": [
            "Python programming", "SQL", "data visualisation", "version control (Git)", "statistical reasoning",
            "technical writing", "problem decomposition", "testing and debugging", "cloud services",
            "data ethics", "stakeholder communication", "Linux command line", "documentation", "requirements analysis",
        ],
        "assessment": [
            "Portfolio of weekly lab notebooks", "Technical report ({w} words)", "Timed online examination (90 minutes)",
            "Recorded presentation of a working prototype (10 minutes)", "Individual coding project with a short design rationale",
            "Online multiple-choice test (60 minutes)", "Group mini-project with an individual reflective statement ({s} words)",
            "Code review exercise and written critique ({s} words)",
        ],
        "entry": "Some prior programming experience (for example, Python or R) is expected.",
    },
    "health": {
        "outcomes": [
            (1, "Describe the evidence base underpinning {a} in health and care settings."),
            (1, "Explain the roles and responsibilities of the multidisciplinary team in relation to {b}."),
            (1, "Identify the legal and ethical principles that apply to {c}, including consent and confidentiality."),
            (2, "Apply current national guidance on {a} to the planning and delivery of person-centred care."),
            (2, "Analyse a case from your own practice involving {b}, identifying risks and opportunities for improvement."),
            (2, "Use validated assessment tools for {c} appropriately and record findings accurately."),
            (2, "Communicate effectively with patients, carers and colleagues about {a}, adapting to individual needs."),
            (3, "Critically evaluate the evidence for interventions in {a}, and justify their use in your area of practice."),
            (3, "Critically reflect on your own practice in {b} using a recognised reflective model, and plan your continuing development."),
            (3, "Design a quality improvement proposal for {c} that takes account of service users' experience and health inequalities."),
            (3, "Synthesise policy, research and professional standards relating to {a} to lead improvements in care."),
            (3, "Evaluate the impact of organisational culture and resources on the delivery of {b}."),
        ],
        "hooks": [
            "Developed with local NHS trusts, this course strengthens your practice in {a}.",
            "A practice-focused course on {a}, exploring {b} through case studies and work-based activities.",
            "This micro-credential supports health and care professionals to deliver safe, evidence-based {a}.",
            "Explore current evidence and guidance on {a} and {b}, and apply what you learn directly in your workplace.",
            "Build confidence in {a}, with an emphasis on {c} and on person-centred, compassionate care.",
        ],
        "aims": [
            "To enhance learners' knowledge and skills in {a} so that they can contribute to safe, effective and person-centred care.",
            "To develop critical, evidence-informed practice in {a}, with a particular focus on {b}.",
            "To prepare practitioners to take a leading role in improving {c} within their service.",
        ],
        "audience": [
            "For registered nurses, allied health professionals and experienced health and care support staff.",
            "Suited to practitioners working in acute, community or primary care settings.",
            "Ideal for health and care staff seeking assessed, credit-bearing CPD.",
        ],
        "skills": [
            "clinical reasoning", "person-centred care", "reflective practice", "evidence-based practice",
            "risk assessment", "safeguarding", "multidisciplinary working", "health literacy", "record keeping",
            "quality improvement", "compassionate communication", "shared decision-making", "infection prevention",
        ],
        "assessment": [
            "Reflective case study ({w} words)", "Practice portfolio signed off by a practice assessor",
            "Objective structured clinical examination (OSCE)", "Critical literature review ({w} words)",
            "Quality improvement poster and viva (15 minutes)", "Timed online examination (2 hours)",
            "Observed practice assessment in the workplace", "Patient information leaflet with critical rationale ({s} words)",
        ],
        "entry": "You must be working in a relevant health or care role for the duration of the course.",
    },
    "business": {
        "outcomes": [
            (1, "Describe the main concepts and models associated with {a}."),
            (1, "Explain the contribution of {b} to organisational performance, using examples from different sectors."),
            (1, "Identify the stakeholders affected by {c} and describe their interests."),
            (2, "Apply recognised frameworks for {a} to a case organisation and draw practical conclusions."),
            (2, "Analyse quantitative and qualitative evidence about {b} to support a business decision."),
            (2, "Prepare a persuasive, well-structured business case for an initiative involving {c}."),
            (2, "Use appropriate digital tools to plan, monitor and report on {a}."),
            (3, "Critically evaluate current thinking and practice in {a}, and assess their relevance to contemporary organisations."),
            (3, "Develop and justify a strategy for {b} that responds to the organisation's context and constraints."),
            (3, "Critically reflect on your own professional practice in relation to {c}, and set goals for your development."),
            (3, "Evaluate the ethical, sustainability and equality implications of decisions about {a}."),
            (3, "Synthesise evidence from research and practice to recommend improvements to {b}."),
        ],
        "hooks": [
            "A practical course on {a} for people who manage teams, budgets or projects.",
            "This micro-credential helps you turn ideas about {a} into workable plans, with a focus on {b}.",
            "Explore {a} and {b} through live case studies, peer discussion and applied assignments based on your own organisation.",
            "Sharpen your approach to {a}, and learn to make well-evidenced decisions about {c}.",
            "Designed for busy professionals, the course blends short online units on {a} with workplace tasks on {b}.",
        ],
        "aims": [
            "To develop learners' ability to analyse and improve {a} in their own organisation.",
            "To build confident, evidence-based practice in {a} and {b}, grounded in current research.",
            "To equip managers with practical tools for {a}, and the judgement to adapt them to their context.",
        ],
        "audience": [
            "For new and aspiring managers, team leaders and specialists moving into management.",
            "Suited to professionals in the private, public and third sectors.",
            "Ideal for employees whose organisation sponsors their development.",
        ],
        "skills": [
            "strategic thinking", "financial literacy", "stakeholder management", "negotiation", "business writing",
            "decision-making", "change management", "data-informed decision-making", "coaching", "presentation skills",
            "team leadership", "commercial awareness", "risk management", "critical thinking",
        ],
        "assessment": [
            "Work-based assignment ({w} words)", "Business report ({w} words)", "Recorded pitch to a panel (10 minutes)",
            "Reflective learning log ({s} words)", "Case study examination (2 hours, open book)", "Individual presentation (15 minutes)",
            "Strategic plan for your own organisation ({w} words)", "Online test (45 minutes)",
        ],
        "entry": "Applicants should be in, or have access to, a workplace where they can apply their learning.",
    },
    "law": {
        "outcomes": [
            (1, "Describe the sources of law relevant to {a} and explain how they interact."),
            (1, "Explain the key principles of {b} using leading cases and statutory provisions."),
            (2, "Apply the law on {a} to problem scenarios, reaching reasoned conclusions."),
            (2, "Analyse how courts, tribunals and regulators approach {b} in practice."),
            (2, "Draft clear advice for a lay client on issues arising from {c}."),
            (3, "Critically evaluate the effectiveness of current law on {a} and proposals for reform."),
            (3, "Critically analyse recent case law on {b} and its implications for practitioners."),
            (3, "Construct a coherent legal argument on {c}, supported by primary and secondary sources."),
            (3, "Evaluate the ethical and professional responsibilities that arise in {a}."),
        ],
        "hooks": [
            "An applied introduction to {a}, taught by practising lawyers and academics.",
            "This course examines {a} and {b}, with an emphasis on practical application rather than legal theory.",
            "Understand the practical operation of {a}, and how recent developments in {b} affect your organisation.",
            "A focused course on {a} for professionals who need a sound grasp of the law without a full law degree.",
        ],
        "aims": [
            "To give learners a secure understanding of {a} and the ability to apply the law to realistic problems.",
            "To develop critical understanding of {a} and {b}, and their implications for professional practice.",
        ],
        "audience": [
            "For professionals in compliance, HR, health, property and public services, and for law graduates.",
            "Suited to paralegals, managers and advisers whose roles involve legal judgement.",
        ],
        "skills": [
            "legal research", "legal writing", "problem analysis", "statutory interpretation", "case analysis",
            "risk assessment", "advocacy", "drafting", "ethical judgement", "critical thinking",
        ],
        "assessment": [
            "Problem question ({w} words)", "Advice letter to a client ({s} words)", "Timed online examination (2 hours)",
            "Research essay ({w} words)", "Moot or oral presentation (15 minutes)", "Seen case study examination (3 hours)",
        ],
        "entry": "",
    },
    "education": {
        "outcomes": [
            (1, "Describe key theories of learning relevant to {a}."),
            (1, "Explain how {b} can be used to support learners with different needs."),
            (2, "Apply principles of {a} to the design of a short learning sequence for your own learners."),
            (2, "Analyse evidence from your own teaching to identify the impact of {b} on learner engagement."),
            (2, "Use feedback from learners and peers to refine your approach to {c}."),
            (3, "Critically evaluate research and policy on {a} and its implications for your context."),
            (3, "Design, implement and evaluate an inclusive intervention involving {b}."),
            (3, "Critically reflect on your professional values and practice in relation to {c}, drawing on the Professional Standards Framework where relevant."),
            (3, "Synthesise literature on {a} to propose a change to practice in your department or institution."),
        ],
        "hooks": [
            "A practice-based course for teachers and trainers on {a}.",
            "Develop your approach to {a} and {b}, trying new ideas with your own learners between sessions.",
            "This micro-credential explores {a} through current research, peer observation and reflective practice.",
            "Designed for busy educators, the course focuses on {a}, with practical strategies for {c}.",
        ],
        "aims": [
            "To support educators to develop evidence-informed practice in {a}.",
            "To enable participants to design, evaluate and share effective approaches to {a} and {b}.",
        ],
        "audience": [
            "For teachers, lecturers, trainers and learning technologists in schools, colleges, universities and workplaces.",
            "Suited to early-career academic staff and graduate teaching assistants.",
        ],
        "skills": [
            "curriculum design", "inclusive practice", "assessment design", "feedback literacy", "digital pedagogy",
            "reflective practice", "learning technology", "mentoring", "classroom research", "evaluation",
        ],
        "assessment": [
            "Teaching portfolio with annotated evidence", "Reflective account ({w} words)",
            "Peer observation of teaching and written response ({s} words)", "Learning design proposal ({w} words)",
            "Presentation to peers (15 minutes)", "Practitioner enquiry report ({w} words)",
        ],
        "entry": "You must be teaching or supporting learning for at least 20 hours during the course.",
    },
    "engineering": {
        "outcomes": [
            (1, "Describe the physical principles underlying {a}."),
            (1, "Explain the function and limitations of {b} in engineering systems."),
            (2, "Apply analytical and numerical methods to solve problems in {a}."),
            (2, "Use industry-standard software to model and analyse {b}, interpreting the results critically."),
            (2, "Interpret relevant British and European standards when specifying {c}."),
            (2, "Carry out and document a risk assessment for work involving {c}."),
            (3, "Critically evaluate design options for {a} against technical, economic and environmental criteria."),
            (3, "Design and justify a solution involving {b}, taking account of safety, sustainability and whole-life cost."),
            (3, "Critically assess the reliability and uncertainty of models of {c}."),
            (3, "Evaluate emerging technologies in {a} and their implications for professional engineering practice."),
        ],
        "hooks": [
            "An applied engineering course on {a}, with design exercises on {b}.",
            "This micro-credential develops your capability in {a}, using case studies from UK industry.",
            "Strengthen your understanding of {a} and {b}, and apply your learning to a design problem from your own workplace.",
            "Focused on {a}, the course mixes online theory with practical laboratory or simulation work on {c}.",
        ],
        "aims": [
            "To develop the analytical and design skills needed to work confidently with {a}.",
            "To extend practising engineers' knowledge of {a} and {b} in line with current industry practice.",
        ],
        "audience": [
            "For practising engineers and technicians working towards professional registration.",
            "Suited to engineering graduates and apprentices seeking specialist, credit-bearing study.",
        ],
        "skills": [
            "engineering design", "numerical modelling", "CAD", "finite element analysis", "risk assessment",
            "technical report writing", "systems thinking", "MATLAB", "laboratory practice", "project planning",
            "sustainability assessment", "health and safety",
        ],
        "assessment": [
            "Design report ({w} words)", "Laboratory or simulation report ({s} words)", "Timed examination (2 hours)",
            "Technical presentation (15 minutes)", "Problem sheets (four, equally weighted)", "Design review and viva (20 minutes)",
        ],
        "entry": "A working knowledge of engineering mathematics is assumed.",
    },
    "environment": {
        "outcomes": [
            (1, "Describe the key processes and drivers associated with {a}."),
            (1, "Explain the methods used to monitor and report on {b} in the UK."),
            (2, "Apply field, laboratory or desk-based methods to collect and interpret data on {a}."),
            (2, "Analyse the social, economic and environmental impacts of {b} using appropriate indicators."),
            (2, "Use geographical information systems to map and communicate patterns in {c}."),
            (3, "Critically evaluate policy and management responses to {a}."),
            (3, "Develop an evidence-based plan for {b} that balances competing stakeholder interests."),
            (3, "Critically assess uncertainty in data and models relating to {c}, and its consequences for decision-making."),
            (3, "Synthesise scientific and practitioner evidence on {a} to advise an organisation or community."),
        ],
        "hooks": [
            "Explore {a} and learn practical methods for {b}.",
            "This course combines environmental science with practical management of {a}.",
            "A field- and data-informed course on {a}, designed for practitioners who need to make decisions about {b}.",
            "Understand the science behind {a} and the policy tools used to manage {c}.",
        ],
        "aims": [
            "To develop a sound scientific understanding of {a} and the practical skills to contribute to {b}.",
            "To equip learners to lead evidence-based action on {a} in their organisation or community.",
        ],
        "audience": [
            "For sustainability officers, land managers, consultants, planners and community organisers.",
            "Suited to graduates in science, geography or engineering and to professionals changing sector.",
        ],
        "skills": [
            "environmental monitoring", "GIS", "carbon accounting", "stakeholder engagement", "field survey",
            "data analysis", "policy analysis", "report writing", "life-cycle thinking", "project planning",
            "biodiversity assessment",
        ],
        "assessment": [
            "Field or data report ({w} words)", "Policy briefing ({s} words)", "Site management plan ({w} words)",
            "Poster presentation (10 minutes)", "Online test (60 minutes)", "Carbon or biodiversity audit of a chosen organisation",
        ],
        "entry": "",
    },
    "psychology": {
        "outcomes": [
            (1, "Describe the main psychological theories that explain {a}."),
            (1, "Explain the methods psychologists use to measure {b}, including the strengths and limitations of common instruments."),
            (2, "Apply psychological theory on {a} to an applied setting such as a workplace, school or clinic."),
            (2, "Analyse and interpret data from a study of {b} using appropriate statistical or qualitative methods."),
            (2, "Design a small-scale study investigating {c}, with due regard to research ethics."),
            (3, "Critically evaluate the evidence for interventions that target {a}."),
            (3, "Critically appraise published research on {b}, identifying methodological strengths and weaknesses."),
            (3, "Evaluate the ethical and cultural considerations involved in applying psychology to {c}."),
        ],
        "hooks": [
            "Discover what psychological research tells us about {a}, and how to apply that knowledge.",
            "This course introduces the science of {a}, with practical activities on {b}.",
            "An evidence-based course on {a} for people whose work involves understanding and supporting others.",
        ],
        "aims": [
            "To develop an evidence-based understanding of {a} and its application in professional settings.",
            "To equip learners to critically interpret and apply research on {a} and {b}.",
        ],
        "audience": [
            "For professionals in HR, education, health and coaching, and for psychology graduates.",
            "Suited to anyone with an interest in applied psychology who wants an assessed, credit-bearing course.",
        ],
        "skills": [
            "research methods", "critical appraisal", "statistical analysis", "qualitative analysis", "research ethics",
            "active listening", "behaviour change", "scientific writing", "psychometric assessment", "evidence synthesis",
        ],
        "assessment": [
            "Critical review ({w} words)", "Research proposal ({s} words)", "Data analysis report ({w} words)",
            "Online examination (90 minutes)", "Applied case study ({w} words)", "Recorded presentation (10 minutes)",
        ],
        "entry": "",
    },
    "builtenv": {
        "outcomes": [
            (1, "Describe the principles and professional standards that govern {a}."),
            (2, "Apply recognised methods of {a} to a live or simulated property or construction project."),
            (2, "Analyse the contractual and regulatory framework affecting {b}."),
            (2, "Prepare clear professional documentation for {c} in line with RICS guidance."),
            (3, "Critically evaluate approaches to {a} in the light of current market conditions."),
            (3, "Develop and justify a professional recommendation on {b} for a client."),
            (3, "Evaluate the sustainability and building-safety implications of {c}."),
        ],
        "hooks": [
            "A practical course on {a} for surveyors and construction professionals.",
            "Develop your professional competence in {a} and {b}, using real project documents.",
            "This micro-credential supports progression towards chartered status, with a focus on {a}.",
        ],
        "aims": [
            "To develop competence in {a} consistent with the expectations of professional practice.",
            "To equip learners to advise clients on {a} and {b}.",
        ],
        "audience": [
            "For surveyors, construction managers and property professionals preparing for the RICS Assessment of Professional Competence.",
            "Suited to built-environment graduates and experienced technicians.",
        ],
        "skills": [
            "measurement", "cost planning", "contract administration", "property valuation", "building pathology",
            "BIM", "professional ethics", "client care", "report writing", "building regulations",
        ],
        "assessment": [
            "Professional report ({w} words)", "Case study ({w} words)", "Timed examination (2 hours)",
            "Presentation and interview (20 minutes)", "Practical measurement exercise",
        ],
        "entry": "",
    },
    "humanities": {
        "outcomes": [
            (1, "Describe the main developments in {a}."),
            (1, "Explain the significance of {b} for communities and visitors today."),
            (2, "Analyse primary sources and material evidence relating to {a}."),
            (2, "Apply current professional standards to the interpretation and care of {b}."),
            (2, "Produce engaging public-facing interpretation of {c} for a defined audience."),
            (3, "Critically evaluate competing interpretations of {a}."),
            (3, "Develop a sustainable, community-informed plan for {b}."),
            (3, "Evaluate the ethical questions raised by {c}, including representation and ownership."),
        ],
        "hooks": [
            "Explore {a} through archives, objects and places, with practical work on {b}.",
            "A course for heritage professionals and volunteers on {a}.",
            "Learn how historians and heritage professionals research, interpret and share {a} with the public.",
        ],
        "aims": [
            "To develop learners' knowledge of {a} and practical skills in {b}.",
            "To equip heritage practitioners to research, interpret and care for {a}.",
        ],
        "audience": [
            "For heritage, museum and tourism staff, volunteers and community groups.",
            "Suited to anyone with an interest in history and heritage who wants a credit-bearing course.",
        ],
        "skills": [
            "archival research", "interpretation", "collections care", "community engagement", "oral history",
            "public writing", "visitor research", "project planning", "digital storytelling",
        ],
        "assessment": [
            "Research essay ({w} words)", "Interpretation plan ({s} words)", "Object or site report ({s} words)",
            "Public talk or podcast (10 minutes)", "Portfolio of short pieces",
        ],
        "entry": "",
    },
}

# ---------------------------------------------------------------------------------------------------
# Areas: a subject family, a default HECoS code, PSRB bodies and a pool of course lines.
# Course line: "LEVEL|Title|concept a; concept b; concept c|HECoS[+HECoS]|flags"
#   LEVEL is the FHEQ-equivalent level (4-8), converted to SCQF/CQFW by the provider.
#   flags: p = PSRB recognition; c10/c15/c20/c30 = credit in CATS; L = learner-led; C = cohort;
#          k:PW core of pathway PW, o:PW option, cap:PW capstone (also core).
# Pools are consumed in order by the providers that list the area (see PROVIDERS).
# ---------------------------------------------------------------------------------------------------

AREAS: dict[str, dict] = {
    "data": {"family": "computing", "code": "DS", "hecos": "100755",
             "psrb": [("British Computer Society (BCS)", "accredited")],
             "skills": ["pandas", "R", "Jupyter notebooks", "data wrangling", "machine learning", "dashboard design"],
             "pool": """
7|Foundations of Applied Data Science|the data science lifecycle;reproducible analysis in Python;data quality assessment|100755|c15,k:pgcert-applied-data-science,p,C
7|Statistical Modelling for Data Scientists|generalised linear models;model diagnostics;inference under uncertainty|101030|c15,k:pgcert-applied-data-science,C
7|Applied Data Science Project|end-to-end project delivery;stakeholder requirements;communicating analytical findings|100755|c15,cap:pgcert-applied-data-science,C
7|Data Visualisation and Storytelling|perceptual principles of visualisation;interactive dashboards;narrative structure in data stories|100755|c15,o:pgcert-applied-data-science
7|Databases and Data Engineering for Analysts|relational data modelling;SQL query optimisation;batch data pipelines|100754|c15,o:pgcert-applied-data-science
7|Natural Language Processing with Python|text pre-processing;word embeddings;transformer-based text classification|100992|c15,o:pgcert-applied-data-science
7|Time Series Analysis and Forecasting|ARIMA and state-space models;seasonality and trend decomposition;forecast evaluation|101030|c15,o:pgcert-applied-data-science
7|Bayesian Data Analysis|prior elicitation;Markov chain Monte Carlo;hierarchical models|100406|c15,o:pgcert-applied-data-science
6|Introduction to Python for Data Analysis|Python data structures;exploratory data analysis;the pandas library|100755|L
6|SQL for Business Reporting|relational queries;aggregation and window functions;report automation|100754|L
6|Data Ethics and Governance|UK GDPR;algorithmic bias;data sharing agreements|100755|
5|Spreadsheet Modelling and Data Literacy|spreadsheet modelling;descriptive statistics;data cleaning|100755|L
6|Geospatial Data Analysis|coordinate reference systems;spatial joins;choropleth mapping|100369|
7|Causal Inference for Policy Evaluation|counterfactual reasoning;difference-in-differences designs;propensity score methods|101030|
6|Survey Design and Analysis|questionnaire design;sampling strategies;weighting survey data|101030|
7|Health Data Science|electronic health records;clinical coding;cohort study design|100994|
6|Data Analytics with Power BI|data modelling in Power BI;DAX measures;dashboard publishing|100755|L
7|Experimental Design and A/B Testing|randomised experiments;statistical power;sequential testing|101030|
8|Research Data Management for Doctoral Researchers|data management plans;FAIR principles;long-term data preservation|100755|L
6|Data Science for Environmental Monitoring|sensor networks;environmental time series;anomaly detection|100755|
7|Applied Multivariate Statistics|principal component analysis;cluster analysis;structural equation modelling|101030|
6|Open Data and Data Journalism|open government data;data verification;visual reporting|100755|
7|Data Science Leadership and Strategy|analytics operating models;data maturity assessment;value realisation|100755|
"""},
    "ai": {"family": "computing", "code": "AI", "hecos": "100359",
           "psrb": [("British Computer Society (BCS)", "accredited")],
           "skills": ["scikit-learn", "PyTorch", "model evaluation", "responsible AI", "prompt engineering"],
           "pool": """
7|Deep Learning Fundamentals|neural network architectures;backpropagation and optimisation;convolutional networks|100992|c15,o:pgcert-applied-data-science
6|Responsible AI in the Workplace|AI risk assessment;transparency and explainability;UK AI regulatory principles|100359|L
7|Generative AI: Foundations and Applications|large language models;retrieval-augmented generation;evaluation of generative systems|100359|
6|AI for Business Decision-Making|machine learning use cases;build-versus-buy decisions;AI project governance|100359|L
7|Reinforcement Learning|Markov decision processes;policy gradient methods;exploration strategies|100992|
6|Computer Vision|image classification;object detection;data augmentation|100359|p
7|Explainable and Trustworthy AI|model interpretability techniques;fairness metrics;assurance of AI systems|100359|p
6|Machine Learning Operations (MLOps)|model deployment pipelines;monitoring model drift;experiment tracking|100992|
5|Introduction to Artificial Intelligence|history and scope of AI;search and reasoning;supervised learning|100359|L
7|Conversational AI and Chatbot Design|dialogue management;intent recognition;user testing of conversational agents|100359|
7|AI Safety and Security|adversarial examples;data poisoning;secure deployment of AI models|100359|
6|Robotics and Intelligent Systems|robot kinematics;sensor fusion;path planning|100170|
"""},
    "cyber": {"family": "computing", "code": "CY", "hecos": "100376",
              "psrb": [("British Computer Society (BCS)", "accredited"),
                       ("UK Cyber Security Council", "mapped to the Cyber Security Council's specialism framework")],
              "skills": ["threat modelling", "incident response", "network security", "penetration testing", "security governance", "Wireshark"],
              "pool": """
6|Cyber Security Fundamentals|the CIA triad;common attack vectors;security controls|100376|L
6|Network Security and Defence|firewall architectures;intrusion detection systems;secure network design|100376|p
7|Digital Forensics|evidence acquisition;file system analysis;chain of custody|100376|p
7|Security Risk Management|ISO/IEC 27001;risk treatment planning;security metrics|100376|p
6|Ethical Hacking and Penetration Testing|reconnaissance;vulnerability exploitation;penetration test reporting|100376|
7|Cloud Security|shared responsibility models;identity and access management;cloud security posture management|100376|
6|Secure Software Development|the OWASP Top 10;secure code review;threat modelling|100376+100374|
7|Incident Response and Threat Intelligence|incident handling playbooks;threat intelligence sources;post-incident review|100376|
5|Cyber Security Awareness for Small Businesses|phishing and social engineering;Cyber Essentials controls;backup and recovery|100376|L
7|Applied Cryptography|symmetric and public-key encryption;cryptographic protocols;key management|100376|
6|Operational Technology Security|industrial control systems;network segmentation;safety-security interactions|100376|
7|Security Governance, Law and Compliance|the Computer Misuse Act;NIS regulations;security policy frameworks|100376|
6|Malware Analysis|static analysis;dynamic analysis in sandboxes;reverse engineering basics|100376|
"""},
    "software": {"family": "computing", "code": "SE", "hecos": "100374",
                 "psrb": [("British Computer Society (BCS)", "accredited")],
                 "skills": ["Java", "TypeScript", "continuous integration", "API design", "agile delivery", "cloud deployment"],
                 "pool": """
6|Software Testing and Quality Assurance|test-driven development;test automation frameworks;static analysis|100374|p
6|DevOps and Continuous Delivery|CI/CD pipelines;infrastructure as code;containerisation with Docker|100374|
7|Software Architecture|architectural styles;microservices;quality attribute trade-offs|100374|p
6|Web Application Development|HTTP and REST;front-end frameworks;accessible interface design|100374|L
5|Programming Fundamentals in Python|control structures;functions and modules;debugging strategies|100366|L
6|Cloud Computing Fundamentals|virtualisation;cloud service models;serverless architectures|100366|
6|Mobile App Development|mobile UI patterns;offline-first data storage;app store deployment|100374|
7|Human-Computer Interaction and UX Research|usability testing;user research methods;inclusive design|100736|
6|Computer Networks|the TCP/IP stack;routing and switching;network troubleshooting|100365|
7|Distributed Systems|consistency models;consensus algorithms;fault tolerance|100366|
4|Introduction to Computing|computer systems;algorithms and data representation;digital safety|100366|L
6|Database Systems Design|normalisation;transaction management;NoSQL data stores|100754|
7|Agile Software Engineering at Scale|scaled agile frameworks;product ownership;engineering metrics|100374|
6|Accessible Web Design|WCAG 2.2;assistive technologies;accessibility auditing|100375|L
6|Systems Analysis and Design|process modelling;UML;systems specification|100753|
6|Requirements Engineering|requirements elicitation;user stories and acceptance criteria;requirements traceability|100821|
6|Blockchain and Distributed Ledgers|consensus mechanisms;smart contracts;distributed ledger use cases|100366|
"""},
    "nursing": {"family": "health", "code": "NU", "hecos": "100290",
                "psrb": [("Nursing and Midwifery Council (NMC)", "approved")],
                "skills": ["clinical assessment", "medicines management", "deteriorating patient recognition", "end-of-life care"],
                "pool": """
7|Independent and Supplementary Prescribing (V300)|pharmacology for prescribers;consultation and decision-making;prescribing governance|100290|c30,p,C
6|Practice Supervision and Assessment|the NMC Standards for student supervision and assessment;supporting learners in practice;assessing competence|100290|c10,p
6|Community Practitioner Nurse Prescribing (V150)|prescribing from the Nurse Prescribers' Formulary;consultation skills;legal and professional accountability|100281|c20,p,C
7|Advanced Clinical Assessment|history taking and physical examination;clinical reasoning;differential diagnosis|100746|c30,C
6|Care of the Deteriorating Adult|the NEWS2 early warning score;sepsis recognition;escalation and handover|100279|C
6|Palliative and End-of-Life Care|symptom management;advance care planning;communication at the end of life|100292|
7|Leadership in Nursing Practice|clinical leadership;team dynamics;patient safety culture|100290|
6|Dementia Care|types of dementia;person-centred dementia care;supporting families and carers|100291|L
6|Tissue Viability and Wound Care|wound assessment;pressure ulcer prevention;dressing selection|100279|
6|Mental Health First Response|de-escalation;suicide risk assessment;trauma-informed care|100287|
7|Diabetes Management in Primary Care|type 2 diabetes pathways;insulin initiation;structured education|100285|
6|Infection Prevention and Control|transmission-based precautions;antimicrobial stewardship;outbreak management|100290|L
7|Neonatal Intensive Care Nursing|neonatal respiratory support;thermoregulation;family-integrated care|100289|C
6|Perinatal Mental Health|perinatal mood disorders;screening and referral;infant attachment|100288|
6|Frailty and Older People's Care|comprehensive geriatric assessment;falls prevention;polypharmacy|100291|
7|Critical Care Nursing|mechanical ventilation;haemodynamic monitoring;critical care rehabilitation|100282|C
6|Learning Disability Health Equality|reasonable adjustments;health action plans;the STOMP programme|100286|
6|Respiratory Care in the Community|COPD management;inhaler technique;pulmonary rehabilitation|100281|
"""},
    "pubhealth": {"family": "health", "code": "PH", "hecos": "101317",
                  "psrb": [("Royal Society for Public Health (RSPH)", "recognised CPD")],
                  "skills": ["epidemiology", "health needs assessment", "health promotion", "health economics"],
                  "pool": """
7|Principles of Epidemiology|measures of disease frequency;study designs;bias and confounding|101031|
7|Health Needs Assessment|population health data;community engagement;prioritisation of needs|101317|
6|Health Promotion and Behaviour Change|the COM-B model;health campaigns;evaluation of health promotion|101317|L
7|Health Inequalities and the Social Determinants of Health|the social gradient in health;proportionate universalism;place-based approaches|100648|
7|Global Health Security|pandemic preparedness;One Health;international health regulations|101317|
6|Public Mental Health|mental health promotion;suicide prevention strategies;wellbeing measurement|101317|
7|Health Protection|communicable disease control;environmental hazards;emergency planning|101317|p
6|Nutrition and Public Health|dietary guidelines;food environments;obesity policy|100247|
7|Evaluating Public Health Interventions|logic models;process evaluation;economic evaluation|101317|
6|Tobacco, Alcohol and Drug Harm Reduction|harm reduction approaches;minimum unit pricing;brief interventions|101317|
7|Health Economics for Decision-Makers|cost-effectiveness analysis;QALYs;priority setting|100648|
6|Introduction to Public Health|the three domains of public health;health indicators;public health law|101317|L
7|Health Policy Analysis|policy cycle models;stakeholder power;implementation gaps|100648|
6|Community Health Development|asset-based community development;co-production;social prescribing|101317|
"""},
    "socialcare": {"family": "health", "code": "SC", "hecos": "100476",
                   "psrb": [("Social Work England", "approved post-qualifying course")],
                   "skills": ["safeguarding adults", "strengths-based practice", "care planning", "partnership working"],
                   "pool": """
6|Safeguarding Adults at Risk|the Care Act 2014;making safeguarding personal;multi-agency safeguarding|100503|p
7|Best Interests Assessment|the Mental Capacity Act 2005;Liberty Protection Safeguards;best interests decision-making|100503|p,C
6|Strengths-Based Practice in Social Care|asset-based assessment;outcome-focused support planning;conversations that matter|100501|
6|Supporting People Living with Dementia at Home|home-based dementia support;carer wellbeing;assistive technology|100476|L
7|Practice Education in Social Work|adult learning theory;assessing social work students;the Professional Capabilities Framework|100503|p
6|Trauma-Informed Practice|adverse childhood experiences;trauma-informed principles;vicarious trauma|100476|
6|Working with Children and Families|child development;family support;the Signs of Safety approach|100503|
6|Integrated Health and Social Care|integrated care systems;joint commissioning;person-held records|100476|
7|Developing the Social Care Workforce|workforce planning;supervision and appraisal;career pathways in care|100476|
6|Mental Capacity in Everyday Practice|the five principles of the Mental Capacity Act;capacity assessment;supported decision-making|100476|L
6|Digital Skills for Social Care|digital care records;remote monitoring;cyber safety in care settings|100476|L
6|Substance Misuse and Social Work|models of addiction;motivational interviewing;recovery-oriented services|100503|
6|Positive Behaviour Support|functional assessment;proactive strategies;restrictive practice reduction|100476|
6|Domestic Abuse: Recognition and Response|coercive control;risk assessment tools such as DASH;MARAC processes|100503|
6|Care Home Leadership|registered manager responsibilities;regulatory inspection;quality assurance in care homes|100476|
"""},
    "leadership": {"family": "business", "code": "LM", "hecos": "100088",
                   "psrb": [("Chartered Management Institute (CMI)", "dual award with a CMI Level 7 Award in Strategic Management and Leadership Practice")],
                   "skills": ["leadership", "coaching conversations", "organisational change", "strategic planning"],
                   "pool": """
7|Strategic Leadership|strategy formulation;leading through uncertainty;organisational purpose|100088|p
6|Leading High-Performing Teams|team development models;psychological safety;performance conversations|100088|L
7|Leading Digital Transformation|digital maturity;data-driven culture;technology adoption|100089|
6|Decision-Making and Business Analytics|decision analysis;key performance indicators;scenario planning|100089|
7|Clinical Leadership in Health and Care|system leadership;clinical governance;leading quality improvement|100088|p
6|Managing People in Health and Care|workforce planning;wellbeing at work;appraisal and supervision|100089|
7|Healthcare Operations and Flow|patient flow;demand and capacity modelling;waiting list management|100089|
7|Coaching and Mentoring for Leaders|coaching models;active listening;mentoring relationships|100088|p
6|First-Line Management|the role of the manager;delegation;managing performance|100089|L,p
7|Systems Leadership in Public Services|complexity and wicked problems;collaborative governance;place-based leadership|100088|
7|Public Sector Leadership|public value;accountability;leading across organisational boundaries|100088|
7|Leading Inclusive Organisations|inclusive leadership;equality impact assessment;allyship|100088|
6|Social Enterprise and Community Business|social value;blended income models;governance of social enterprises|101221|
7|Entrepreneurship and Innovation|opportunity recognition;lean start-up methods;innovation funding|101221|
7|Sustainable Business Strategy|ESG reporting;circular business models;stakeholder value|100078|
6|Leading Small Businesses|business model design;cash-flow management;growth planning|100078|
7|Strategic Leadership in Rural Enterprises|rural economies;diversification;community enterprise|100078|
6|Business Planning for Growth|market analysis;financial forecasting;scaling operations|100078|L
6|Finance for Non-Financial Managers|budgeting;financial statements;investment appraisal|100078|L
6|Negotiation and Influencing|principled negotiation;influence tactics;managing conflict|100089|
6|Operations Management|process mapping;lean improvement;capacity planning|100089|
7|Corporate Governance and Ethics|board effectiveness;stakeholder theory;ethical decision-making|100078|
"""},
    "hr": {"family": "business", "code": "HR", "hecos": "100085",
           "psrb": [("Chartered Institute of Personnel and Development (CIPD)", "accredited against the CIPD Profession Map")],
           "skills": ["employee relations", "people analytics", "recruitment", "employment law awareness"],
           "pool": """
7|Strategic Human Resource Management|HR strategy;talent management;the employee value proposition|100085|p
6|Employment Relations|employee voice;collective bargaining;grievance and disciplinary processes|100085|
6|Recruitment and Selection|job analysis;structured interviewing;fair selection methods|100085|L
7|People Analytics|HR metrics;workforce data analysis;evidence-based HR|100085|
6|Wellbeing at Work|occupational stress;mental health support;wellbeing strategies|100085|
7|Learning and Development Strategy|learning needs analysis;evaluation of training;the 70-20-10 model|100085|p
"""},
    "projects": {"family": "business", "code": "PM", "hecos": "100812",
                 "psrb": [("Association for Project Management (APM)", "accredited; maps to the APM Project Management Qualification syllabus")],
                 "skills": ["project planning", "risk management", "agile methods", "stakeholder management", "Microsoft Project"],
                 "pool": """
6|Principles of Project Management|project life cycles;scope definition;project scheduling|100812|L,p
7|Programme and Portfolio Management|benefits realisation;portfolio prioritisation;programme governance|100812|p
6|Project Risk and Issue Management|risk identification;quantitative risk analysis;issue escalation|100812|
7|Managing Complex Projects|complexity theory;adaptive planning;stakeholder networks|100812|
6|Project Management for Research and Innovation|research project planning;grant management;managing collaborations|100812|L
6|Project Management for Engineers|work breakdown structures;critical path analysis;change control|100812|
7|Digital Project Delivery|product roadmaps;agile delivery at scale;digital service standards|100812|
6|Project Management for Construction|construction programmes;contract types;site coordination|100812|
6|Project Finance and Cost Control|earned value management;cost estimation;budget forecasting|100812|
6|Procurement and Contract Management|procurement routes;supplier evaluation;contract performance|100812|
6|Lean Six Sigma Green Belt Principles|DMAIC;statistical process control;root cause analysis|100812|
7|Change Management Practice|change readiness;resistance to change;sustaining change|100812|
7|Project Leadership|leading project teams;conflict resolution;decision-making under pressure|100812|
"""},
    "marketing": {"family": "business", "code": "MK", "hecos": "100075",
                  "psrb": [("Chartered Institute of Marketing (CIM)", "recognised for CIM continuing professional development")],
                  "skills": ["digital marketing", "content strategy", "Google Analytics", "social media marketing", "SEO", "copywriting"],
                  "pool": """
6|Digital Marketing Strategy|digital marketing planning;customer journey mapping;channel selection|100075|k:grad-cert-digital-marketing,c20,p
6|Social Media Marketing|platform strategy;community management;paid social advertising|100440|o:grad-cert-digital-marketing,c20
6|Search Engine Optimisation and Content Marketing|technical SEO;keyword research;content planning|100075|o:grad-cert-digital-marketing,c20
6|Marketing Analytics|web analytics;attribution models;campaign measurement|100075|k:grad-cert-digital-marketing,c20
6|Brand Management|brand positioning;brand equity;brand architecture|100075|o:grad-cert-digital-marketing,c20
7|Consumer Behaviour in Digital Markets|consumer decision-making;behavioural economics;online trust|100075|
6|Email and Marketing Automation|segmentation;automated customer journeys;deliverability and consent|100075|L
7|International Marketing|market entry strategies;cross-cultural marketing;global branding|100853|
6|Content Creation for Social Media|short-form video;visual storytelling;creator partnerships|100440|L
6|Food and Drink Marketing|food labelling rules;provenance marketing;retail buyer relationships|101215|
6|Marketing for Tourism and Hospitality|destination marketing;visitor segmentation;online reviews|100100|
6|Marketing for Small Businesses|low-cost marketing tactics;local search;customer retention|100075|L
6|Sustainable Marketing|green claims;the Competition and Markets Authority Green Claims Code;purpose-led brands|100075|
7|Marketing Strategy and Planning|strategic market analysis;segmentation and targeting;marketing planning|100075|
6|Paid Search and Digital Advertising|pay-per-click campaigns;bidding strategies;ad performance optimisation|100075|
7|Customer Experience Management|customer journey analytics;service design;net promoter metrics|100075|
6|Events Marketing|event planning;sponsorship;audience engagement|100075|
7|Marketing Data and Privacy|consent management;PECR and UK GDPR;first-party data strategy|100075|
6|Digital Marketing Fundamentals|digital channels;paid search;marketing metrics|100075|L
6|Public Relations and Reputation Management|media relations;crisis communication;reputation metrics|100076|
"""},
    "finance": {"family": "business", "code": "FN", "hecos": "100107",
                "psrb": [("Association of Chartered Certified Accountants (ACCA)", "exemption")],
                "skills": ["financial analysis", "Excel modelling", "management accounting", "financial reporting"],
                "pool": """
6|Financial Reporting|IFRS;preparing financial statements;group accounts|100105
6|Management Accounting|costing methods;budgetary control;variance analysis|100105
7|Corporate Finance|cost of capital;capital structure;mergers and acquisitions|100107
6|Financial Modelling in Excel|three-statement models;scenario analysis;model auditing|100107
7|Sustainable Finance|ESG investing;green bonds;climate-related financial disclosure|100107
6|Audit and Assurance|audit planning;internal controls;audit evidence|100105
7|Financial Risk Management|market risk;credit risk;derivatives for hedging|100107
6|Taxation for Small Businesses|income tax and national insurance;VAT;corporation tax|100105
6|Introduction to Fintech|digital payments;open banking;regulatory sandboxes|100107
7|Investment Analysis|portfolio theory;equity valuation;fixed income|100107
6|Public Sector Finance|public sector budgeting;value for money;financial accountability|100105
"""},
    "law_health": {"family": "law", "code": "LW", "hecos": "100485", "psrb": [],
                   "skills": ["legal literacy"],
                   "pool": """
7|Medical Law and Ethics|consent to treatment;clinical negligence;end-of-life decision-making|100693
6|Employment Law for Managers|unfair dismissal;discrimination law;TUPE|100485
6|Information Law and Data Protection|UK GDPR;freedom of information;data protection impact assessments|100485|L
7|Mental Health Law|the Mental Health Act 1983;deprivation of liberty;tribunal practice|100693
6|Health and Safety Law|the Health and Safety at Work etc. Act 1974;risk assessment duties;enforcement|100485
"""},
    "law_scots": {"family": "law", "code": "LW", "hecos": "100678", "psrb": [],
                  "skills": ["Scots law"],
                  "pool": """
6|Introduction to Scots Law|sources of Scots law;the Scottish courts;legal reasoning|100678|L
7|Scottish Land Reform and Community Ownership|community right to buy;land rights and responsibilities;crofting law|100678
7|Scots Property Law|ownership and real rights;servitudes and real burdens;registration of title|100678
6|Scots Employment and Equality Law|employment contracts;equality duties in Scotland;employment tribunals|100678
7|Environmental Law in Scotland|environmental regulation;the Scottish Environment Protection Agency's role;marine licensing|100678
"""},
    "law_commercial": {"family": "law", "code": "LW", "hecos": "100482", "psrb": [],
                       "skills": ["contract drafting"],
                       "pool": """
6|Contract Law for Business|formation of contracts;terms and exclusion clauses;remedies for breach|100482
7|Commercial Property Law|commercial leases;landlord and tenant disputes;lease renewal|100689
7|Construction Law and Dispute Resolution|construction contracts;adjudication;delay and disruption claims|100482
6|Intellectual Property Law|copyright;trade marks;patents|100485
7|Company Law and Directors' Duties|corporate personality;directors' duties;shareholder remedies|100482
6|Consumer Law|the Consumer Rights Act 2015;unfair terms;digital content|100485
7|Planning Law|development management;planning appeals;compulsory purchase|100485
"""},
    "education": {"family": "education", "code": "ED", "hecos": "101246",
                  "psrb": [("Advance HE", "aligned with Descriptor 1 of the Professional Standards Framework (PSF 2023)")],
                  "skills": ["lesson planning", "assessment for learning"],
                  "pool": """
7|Teaching and Learning in Higher Education|constructive alignment;active learning;assessment and feedback|100509|p
7|Designing Online and Blended Learning|online learning design;learning analytics;digital accessibility|100459|
6|Assessment and Feedback Practice|authentic assessment;marking and moderation;feedback literacy|101246|
7|Education for Sustainable Development|sustainability competencies;interdisciplinary curricula;transformative pedagogy|100459|
6|Inclusive Teaching Practice|universal design for learning;neurodiversity;decolonising the curriculum|101246|L
7|Artificial Intelligence in Education|AI-assisted learning;academic integrity;AI literacy for learners|100459|L
6|Clinical Education and Facilitation|teaching in clinical settings;simulation-based education;assessing clinical competence|100507|p
6|Workplace Mentoring|mentoring relationships;goal-setting;reflective conversations|101246|L
6|Learning Design for Workplace Training|training needs analysis;microlearning;evaluating training impact|100507|L
7|Evaluating Learning Programmes|evaluation frameworks;learning impact measures;reporting to stakeholders|100459|
7|Research Methods for Practitioner Enquiry|action research;educational research ethics;mixed methods in education|101088|
7|Gaelic-medium Education: Policy and Practice|language revitalisation;immersion pedagogy;Gaelic language plans|101120|
6|Outdoor and Place-Based Learning|outdoor pedagogy;risk-benefit assessment;local heritage as curriculum|100459|
7|Educational Leadership|instructional leadership;school improvement planning;professional accountability|100817|
7|Wellbeing in Schools|whole-school approaches;staff wellbeing;pupil mental health|100459|
7|Curriculum for Wales: Designing for the Four Purposes|the four purposes;areas of learning and experience;progression steps|100459|
6|Teaching in Further Education|the further education sector;lesson planning;behaviour for learning|100460|
6|Supporting English as an Additional Language Learners|language acquisition;scaffolding academic language;home language as a resource|100513|
6|Early Years Pedagogy|play-based learning;child development;the Early Years Foundation Stage|100463|
6|Behaviour and Relationships in the Classroom|relational approaches;restorative practice;classroom routines|100465|
6|Digital Skills for Teachers|learning platforms;digital content creation;online safety|100459|L
7|Mentoring and Coaching in Education|mentoring models;instructional coaching;professional learning communities|101246|
6|Supporting Learners with Special Educational Needs|the SEND Code of Practice;graduated approach;working with families|100459|
7|Leading Curriculum Change|curriculum theory;leading teams of teachers;evaluating curriculum impact|100817|
6|Adult Numeracy and Literacy Teaching|adult literacy frameworks;embedded numeracy;learner motivation|100507|
7|Global Citizenship Education|global citizenship frameworks;critical pedagogy;partnership with communities|100459|
6|Teaching Mathematics Through Problem Solving|mathematical reasoning;mastery approaches;misconceptions|100464|
6|Numeracy Across the Curriculum|numeracy in context;data handling in subjects;whole-school numeracy|100459|
7|Supervising Doctoral Research|supervisory styles;research integrity;supporting doctoral progression|100509|
"""},
    "engineering": {"family": "engineering", "code": "EN", "hecos": "100184",
                    "psrb": [("Institution of Engineering and Technology (IET)", "approved as further learning towards Chartered Engineer (CEng)"),
                             ("Institution of Mechanical Engineers (IMechE)", "approved CPD")],
                    "skills": ["Python for engineers", "ANSYS", "SolidWorks", "LabVIEW"],
                    "pool": """
6|Renewable Energy Systems|wind and solar resource assessment;energy storage;grid integration|100175|p
7|Electric Vehicle Powertrains|battery management systems;electric machines;power electronics|100201|p
6|Industrial Automation and PLC Programming|programmable logic controllers;ladder logic;SCADA systems|100170|
7|Finite Element Analysis|mesh generation;linear static analysis;validation of FE models|100190|
6|Hydrogen Technologies|hydrogen production;fuel cells;hydrogen safety|100175|
7|Structural Health Monitoring|sensor technologies;vibration-based damage detection;data interpretation|100153|
6|Additive Manufacturing|additive processes;design for additive manufacturing;post-processing|100202|
7|Power Systems and Smart Grids|power flow analysis;protection systems;demand-side response|100164|p
6|Embedded Systems Design|microcontrollers;real-time operating systems;hardware-software integration|100165|
7|Net Zero Building Services Engineering|heat pumps;building energy modelling;low-carbon ventilation|100147|
6|Reliability and Maintenance Engineering|failure modes and effects analysis;reliability-centred maintenance;condition monitoring|100193|
7|Control Systems Engineering|transfer functions;PID control;state-space design|100188|
6|Quality Management in Manufacturing|ISO 9001;statistical process control;root cause analysis|100213|
7|Digital Twins for Engineering Assets|asset data models;simulation and real-time data;digital twin governance|100184|
6|Geotechnical Engineering Practice|site investigation;slope stability;foundation design|100551|
7|Flood Risk Engineering|hydraulic modelling;flood defence design;natural flood management|100148|
6|Engineering Mathematics Refresher|calculus for engineers;linear algebra;differential equations|101028|L
7|Sustainable Infrastructure Design|whole-life carbon;infrastructure resilience;sustainable materials|100148|
6|Fire Safety Engineering Principles|fire dynamics;means of escape;fire risk assessment|100183|
"""},
    "environment": {"family": "environment", "code": "EV", "hecos": "100469",
                    "psrb": [("Institute of Environmental Management and Assessment (IEMA)", "approved training")],
                    "skills": ["net zero planning", "habitat survey"],
                    "pool": """
7|Climate Change Adaptation Planning|climate risk assessment;adaptation pathways;community resilience|101070
6|Environmental Management Systems|ISO 14001;environmental aspects and impacts;environmental auditing|100469|p
7|Biodiversity Enhancement and Nature Networks|biodiversity metrics;habitat creation;ecological connectivity|100347|p
6|Peatland Restoration|peatland hydrology;restoration techniques;carbon benefits of peatland|100381
7|Circular Economy|resource efficiency;product life extension;circular business models|100469
6|Environmental Impact Assessment|screening and scoping;impact prediction;mitigation hierarchy|100549
7|Sustainable Water Management|catchment management;water quality regulation;nature-based solutions|100381
6|Renewable Energy and Communities|community energy;local energy planning;fuel poverty|100469
7|Natural Capital Accounting|ecosystem services;natural capital valuation;environmental reporting|100469
6|Rewilding and Landscape Restoration|ecological restoration principles;species reintroduction;stakeholder engagement in restoration|100347
8|Advanced Climate Modelling|general circulation models;downscaling;climate model uncertainty|100379
6|Woodland Creation and Management|woodland planning;silviculture;woodland carbon|100520
7|Sustainability Reporting|greenhouse gas accounting;TCFD-aligned disclosure;materiality assessment|100469|p
6|Air Quality Management|air pollutants and sources;monitoring networks;clean air zones|101317
7|Sustainable Land Management|soil health;agri-environment schemes;land-use trade-offs|100998
6|Coastal Change and Management|coastal processes;shoreline management plans;managed realignment|100408
6|Ecology Field Skills|species identification;survey design;ecological recording|100347|L
6|Climate Science Essentials|the greenhouse effect;climate feedbacks;climate scenarios|100379|L
"""},
    "marine": {"family": "environment", "code": "MA", "hecos": "100418", "psrb": [],
               "skills": ["marine survey", "R for ecologists"],
               "pool": """
7|Marine Spatial Planning|marine protected areas;spatial conflict analysis;ecosystem-based management|100418
6|Sustainable Aquaculture|aquaculture systems;fish health and welfare;environmental interactions of aquaculture|100418
7|Offshore Renewable Energy and the Marine Environment|offshore wind development;environmental monitoring of offshore sites;cumulative impacts|100418
6|Seabird and Marine Mammal Monitoring|survey techniques;population trend analysis;disturbance assessment|100351
7|Blue Carbon|seagrass and saltmarsh ecosystems;carbon sequestration measurement;blue carbon policy|100421
6|Marine Litter and Plastics|sources and pathways of marine litter;monitoring protocols;prevention policy|100418|L
"""},
    "psychology": {"family": "psychology", "code": "PS", "hecos": "100497",
                   "psrb": [("British Psychological Society (BPS)", "approved CPD")],
                   "skills": ["SPSS", "thematic analysis"],
                   "pool": """
6|Psychology of Wellbeing|positive psychology;resilience;wellbeing interventions|100497|L
7|Occupational Psychology in Practice|job design;psychological assessment at work;organisational change|100950|p
6|Behaviour Change in Practice|the COM-B model;nudge techniques;intervention design|100985
7|Coaching Psychology|coaching frameworks;goal theory;coaching evaluation|101294|p
6|Cognitive Psychology and Everyday Life|attention;memory;decision-making biases|100993|L
7|Health Psychology|stress and illness;adherence to treatment;chronic condition self-management|100985
6|Child Development|attachment;language development;cognitive development|100952
6|Forensic Psychology|offender assessment;eyewitness testimony;rehabilitation|100387
7|Research Methods in Psychology|experimental design;quantitative analysis;qualitative interviewing|100959
6|Psychology of Learning and Memory|learning theories;memory processes;metacognition|101342
7|Neurodiversity at Work|autism and ADHD in adulthood;reasonable adjustments;neuroinclusive practice|100950
6|Sport and Exercise Psychology|motivation;performance anxiety;mental skills training|100499
7|Psychological Approaches to Trauma|post-traumatic stress;trauma-focused therapies;secondary trauma|100494
6|Social Psychology of Groups|group dynamics;social identity;conflict and cooperation|100498
7|Psychology of Ageing|cognitive ageing;loneliness;age-friendly environments|100958
6|Counselling Skills|the person-centred approach;active listening;ethical boundaries|100495|L
"""},
    "builtenv": {"family": "builtenv", "code": "BE", "hecos": "100150",
                 "psrb": [("Royal Institution of Chartered Surveyors (RICS)", "accredited")],
                 "skills": [],
                 "pool": """
6|Quantity Surveying Practice|NRM measurement;cost planning;tendering procedures|100217
7|Building Pathology|building defects;moisture and damp diagnosis;remedial specification|100216
6|Construction Technology|substructure and superstructure;modern methods of construction;building envelope performance|100150
7|Property Valuation|the RICS Red Book;valuation methods;market analysis|100218
6|Building Surveying Practice|building surveys;dilapidations;party wall procedures|100216
7|Construction Contract Administration|JCT contracts;NEC4;interim valuations and final accounts|100151
6|Building Information Modelling|BIM Level 2 processes;ISO 19650;model federation|100150
7|Real Estate Investment and Development|development appraisal;real estate finance;investment performance|100218
6|Construction Health and Safety|the CDM Regulations 2015;site safety management;principal designer duties|100151
7|Building Safety and Fire Regulation|the Building Safety Act 2022;higher-risk buildings;golden thread of information|100216
6|Retrofit Coordination|PAS 2035;whole-house retrofit;energy performance assessment|100150
7|Sustainable Construction|embodied carbon;BREEAM;circular construction|100150
6|Land and Property Law for Surveyors|estates and interests in land;easements;landlord and tenant|100218
7|Facilities Management|FM strategy;space planning;service contracts|100150
6|Commercial Management in Construction|cash-flow forecasting;change management in contracts;subcontract procurement|100151
"""},
    "agrifood": {"family": "environment", "code": "AG", "hecos": "100517",
                 "psrb": [("Chartered Institute of Environmental Health (CIEH)", "recognised CPD")],
                 "skills": ["farm business planning", "food safety management", "HACCP"],
                 "pool": """
6|Regenerative Agriculture|soil biology;cover cropping;grazing management|100998
6|Precision Farming Technologies|GPS guidance;variable-rate application;farm data management|101006
7|Farm Business Management|farm accounts;enterprise costings;diversification planning|100517
6|Food Safety Management|HACCP;allergen management;food hygiene legislation|101018|p
6|Sheep and Beef Herd Health|herd health planning;parasite control;biosecurity|100936
7|Agri-Environment and Farm Carbon|farm carbon audits;agri-environment schemes;hedgerow and woodland carbon|100998
6|Food Product Development|product formulation;shelf life testing;sensory evaluation|100527
6|Dairy Production Systems|dairy nutrition;milk quality;herd fertility|100517
7|Sustainable Food Systems|food supply chains;food security;dietary sustainability|100527
6|Agricultural Policy after Brexit|sustainable farming schemes;trade and tariffs;support payment reform|100600
6|Grassland Management|sward assessment;nutrient management;silage making|100517|L
"""},
    "heritage": {"family": "humanities", "code": "HE", "hecos": "100807", "psrb": [],
                 "skills": ["Welsh history"],
                 "pool": """
6|Heritage Interpretation|interpretation planning;visitor experience;digital interpretation|100807
6|Industrial Heritage of Wales|slate and coal landscapes;industrial archaeology;World Heritage Sites|100805
7|Managing Historic Places|conservation management plans;heritage significance;heritage funding|100807
5|Oral History in Practice|interview techniques;recording and archiving;ethics of oral history|100302|L
6|Museum Collections Care|preventive conservation;collections documentation;Spectrum standards|100918
6|Cultural Tourism|heritage tourism markets;cultural routes;sustainable tourism|100875
"""},
}

# Near-duplicates: the same course, written twice by two providers, so overlap detection has work to do.
NEAR_DUPLICATES = [
    {
        "key": "ml", "area": "ai", "level": 7, "hecos": "100992",
        "concepts": ["supervised learning", "model evaluation and validation", "feature engineering"],
        "a": {"provider": "wychbury", "title": "Applied Machine Learning for Data Scientists", "credit": 15,
              "flags": "o:pgcert-applied-data-science",
              "outcomes": [
                  "Critically evaluate supervised learning algorithms and justify the choice of model for a given problem.",
                  "Apply feature engineering and model validation techniques to realistic, imperfect datasets.",
                  "Design and implement a reproducible machine learning pipeline in Python using scikit-learn.",
                  "Critically assess the fairness, transparency and limitations of machine learning models.",
                  "Communicate model performance and uncertainty clearly to non-specialist stakeholders.",
              ]},
        "b": {"provider": "kingsbridge", "title": "Applied Machine Learning", "credit": 15,
              "outcomes": [
                  "Critically evaluate supervised learning algorithms and justify model selection for a given problem.",
                  "Apply feature engineering and cross-validation techniques to real-world datasets.",
                  "Design and implement a reproducible machine learning pipeline in Python.",
                  "Critically assess the fairness and limitations of machine learning models.",
              ]},
    },
    {
        "key": "change", "area": "leadership", "level": 7, "hecos": "100476",
        "concepts": ["leading change", "co-production with people who use services", "improvement methods"],
        "a": {"provider": "northmoor", "title": "Leading Change in Health and Social Care", "credit": 20,
              "outcomes": [
                  "Critically evaluate models of change leadership and their application in health and social care.",
                  "Analyse the organisational culture of your own service and its readiness for change.",
                  "Design a change initiative co-produced with people who use services and their carers.",
                  "Apply improvement methods such as Plan-Do-Study-Act cycles to measure the impact of change.",
                  "Critically reflect on your own leadership behaviours during a period of change.",
              ]},
        "b": {"provider": "glenarden", "title": "Leading Change in Health and Social Care Services", "credit": 20,
              "outcomes": [
                  "Critically evaluate theories of change leadership and apply them to health and social care services.",
                  "Analyse your service's organisational culture and readiness for change.",
                  "Design a change project co-produced with people who use services.",
                  "Critically reflect on your leadership behaviours when leading change.",
              ]},
    },
    {
        "key": "agile", "area": "projects", "level": 6, "hecos": "100812",
        "concepts": ["agile project management", "Scrum and Kanban", "iterative delivery"],
        "a": {"provider": "wychbury", "title": "Agile Project Management in Practice", "credit": 15,
              "outcomes": [
                  "Explain the values and principles of agile project management and contrast them with predictive approaches.",
                  "Apply Scrum and Kanban practices to plan and track the iterative delivery of a project.",
                  "Analyse the roles of product owner, delivery team and stakeholders in an agile project.",
                  "Evaluate the suitability of agile methods for a project in your own organisation.",
              ]},
        "b": {"provider": "kingsbridge", "title": "Agile Project Management: Principles and Practice", "credit": 15,
              "outcomes": [
                  "Explain agile values and principles and compare them with traditional, predictive project management.",
                  "Apply Scrum and Kanban to plan and monitor iterative delivery.",
                  "Evaluate whether agile methods suit a given project and organisation.",
              ]},
    },
    {
        "key": "netzero", "area": "environment", "level": 6, "hecos": "101070",
        "concepts": ["carbon literacy", "net zero planning", "organisational carbon footprints"],
        "a": {"provider": "caerwyn", "title": "Carbon Literacy and Net Zero Planning for Organisations", "credit": 10,
              "outcomes": [
                  "Explain the science of climate change and the UK and Welsh net zero commitments.",
                  "Calculate an organisational carbon footprint across scopes 1, 2 and 3 using recognised methods.",
                  "Develop a costed net zero action plan for an organisation, with milestones and responsibilities.",
                  "Evaluate the co-benefits and trade-offs of decarbonisation options.",
              ]},
        "b": {"provider": "glenarden", "title": "Net Zero Planning and Carbon Literacy for Organisations", "credit": 10,
              "outcomes": [
                  "Explain the science of climate change and Scotland's and the UK's net zero targets.",
                  "Calculate an organisation's carbon footprint across scopes 1, 2 and 3.",
                  "Develop a net zero action plan for an organisation with clear milestones.",
                  "Evaluate the co-benefits and trade-offs of decarbonisation options.",
              ]},
    },
    {
        "key": "digmk", "area": "marketing", "level": 6, "hecos": "100075",
        "concepts": ["digital marketing channels", "campaign planning", "marketing metrics"],
        "a": {"provider": "wychbury", "title": "Digital Marketing Campaign Planning", "credit": 20,
              "flags": "o:grad-cert-digital-marketing",
              "outcomes": [
                  "Analyse the strengths and limitations of the main digital marketing channels for a given audience.",
                  "Plan an integrated digital marketing campaign with SMART objectives and a realistic budget.",
                  "Apply appropriate metrics to monitor campaign performance and optimise spend.",
                  "Evaluate the ethical and legal constraints on digital marketing, including consent and advertising standards.",
              ]},
        "b": {"provider": "ashcombe", "title": "Planning Digital Marketing Campaigns", "credit": 20,
              "outcomes": [
                  "Analyse the main digital marketing channels and their suitability for different audiences.",
                  "Plan an integrated digital marketing campaign with SMART objectives and a budget.",
                  "Apply marketing metrics to monitor and optimise campaign performance.",
                  "Evaluate legal and ethical constraints on digital marketing.",
              ]},
    },
]

# Courses taught through the medium of Welsh (written in Welsh, not generated from templates).
WELSH_COURSES = [
    {
        "title": "Cymraeg yn y Gweithle: Cyfathrebu Proffesiynol", "level": 4, "credit": 10, "hecos": "100333",
        "languages": ["cy"], "learner_led": True,
        "summary": "Cwrs ar-lein i weithwyr sy'n dymuno defnyddio'r Gymraeg yn hyderus wrth ysgrifennu a siarad yn y gwaith.",
        "aims": "Datblygu hyder a chywirdeb wrth ddefnyddio'r Gymraeg mewn cyd-destunau proffesiynol.",
        "outcomes": [
            "Llunio gohebiaeth broffesiynol gywir yn Gymraeg ar gyfer cynulleidfaoedd gwahanol.",
            "Addasu cywair iaith yn briodol ar gyfer sefyllfaoedd ffurfiol ac anffurfiol.",
            "Defnyddio adnoddau iaith ac offer technoleg iaith i wella cywirdeb testun.",
            "Myfyrio ar eu datblygiad ieithyddol eu hunain a llunio cynllun gweithredu.",
        ],
        "assessment": ["Portffolio o waith ysgrifenedig (60%)", "Cyflwyniad llafar (40%)"],
        "skills": ["ysgrifennu proffesiynol", "cyfathrebu llafar", "technoleg iaith"],
        "entry": "Dim gofynion mynediad ffurfiol; dylech allu cynnal sgwrs syml yn Gymraeg.",
    },
    {
        "title": "Cyfieithu Proffesiynol: Egwyddorion ac Ymarfer", "level": 6, "credit": 20, "hecos": "101130",
        "languages": ["cy"], "learner_led": False,
        "summary": "Cyflwyniad ymarferol i gyfieithu o'r Saesneg i'r Gymraeg yn y sector cyhoeddus, gan gynnwys defnyddio cof cyfieithu a therminoleg safonol.",
        "aims": "Datblygu sgiliau cyfieithu proffesiynol sy'n cyrraedd safonau'r sector cyhoeddus yng Nghymru.",
        "outcomes": [
            "Gwerthuso'n feirniadol strategaethau cyfieithu ar gyfer testunau gweinyddol a thechnegol.",
            "Cymhwyso terminoleg safonol a chanllawiau arddull wrth gyfieithu dogfennau cyhoeddus.",
            "Defnyddio meddalwedd cof cyfieithu yn effeithiol ac yn gyfrifol.",
            "Adolygu a golygu cyfieithiadau eraill gan roi adborth adeiladol.",
        ],
        "assessment": ["Portffolio cyfieithu (70%)", "Arholiad cyfieithu dan oruchwyliaeth (30%)"],
        "skills": ["cyfieithu", "golygu", "terminoleg", "cof cyfieithu"],
        "entry": "Gradd neu brofiad cyfatebol, a Chymraeg rhugl.",
    },
    {
        "title": "Addysgu Dwyieithog yn yr Ystafell Ddosbarth", "level": 7, "credit": 30, "hecos": "101246",
        "languages": ["cy", "en"], "learner_led": False,
        "summary": "Modiwl i athrawon a darlithwyr sy'n datblygu strategaethau trawsieithu ac addysgu dwyieithog.",
        "aims": "Galluogi ymarferwyr i gynllunio, gweithredu a gwerthuso dulliau addysgu dwyieithog effeithiol.",
        "outcomes": [
            "Dadansoddi'n feirniadol ymchwil gyfredol ar addysg ddwyieithog a thrawsieithu.",
            "Cynllunio gweithgareddau dysgu sy'n datblygu sgiliau dwyieithog dysgwyr.",
            "Gwerthuso effaith eu harfer eu hunain ar ddefnydd dysgwyr o'r Gymraeg.",
            "Cyfrannu at ddatblygu polisi iaith o fewn eu sefydliad.",
        ],
        "assessment": ["Ymholiad ymarferydd, 4,000 gair (70%)", "Cyflwyniad i gymheiriaid (30%)"],
        "skills": ["trawsieithu", "cynllunio gwersi", "ymchwil ymarferydd"],
        "entry": "Gradd anrhydedd a phrofiad o addysgu; gallu i addysgu drwy gyfrwng y Gymraeg.",
    },
    {
        "title": "Hanes Cymru Fodern, 1850–2000", "level": 5, "credit": 20, "hecos": "100760",
        "languages": ["cy"], "learner_led": True,
        "summary": "Archwiliad o'r newidiadau cymdeithasol, gwleidyddol a diwylliannol a luniodd Gymru fodern, o'r chwyldro diwydiannol hyd at ddatganoli.",
        "aims": "Datblygu dealltwriaeth o hanes Cymru fodern a'r sgiliau i ddadansoddi ffynonellau hanesyddol.",
        "outcomes": [
            "Disgrifio prif ddatblygiadau gwleidyddol a chymdeithasol Cymru rhwng 1850 a 2000.",
            "Dadansoddi ffynonellau gwreiddiol yn Gymraeg a Saesneg.",
            "Egluro dylanwad diwydiant, crefydd ac iaith ar hunaniaeth Gymreig.",
            "Cyflwyno dadl hanesyddol gydlynol ar ffurf traethawd.",
        ],
        "assessment": ["Traethawd 3,000 gair (100%)"],
        "skills": ["ymchwil hanesyddol", "dadansoddi ffynonellau", "ysgrifennu academaidd"],
        "entry": "Dim gofynion mynediad ffurfiol.",
    },
    {
        "title": "Gofal Cymdeithasol drwy Gyfrwng y Gymraeg: y Cynnig Rhagweithiol", "level": 6, "credit": 10,
        "hecos": "100501", "languages": ["cy", "en"], "learner_led": True,
        "summary": "Cwrs byr i staff gofal cymdeithasol ar ddarparu gwasanaethau yn Gymraeg heb i'r unigolyn orfod gofyn amdanynt.",
        "aims": "Sicrhau bod ymarferwyr yn deall ac yn gweithredu'r Cynnig Rhagweithiol yn eu gwaith bob dydd.",
        "outcomes": [
            "Egluro egwyddorion y Cynnig Rhagweithiol a'r fframwaith polisi 'Mwy na Geiriau'.",
            "Asesu anghenion iaith defnyddwyr gwasanaeth a'u teuluoedd.",
            "Cymhwyso'r Cynnig Rhagweithiol wrth gynllunio gofal sy'n canolbwyntio ar yr unigolyn.",
        ],
        "assessment": ["Astudiaeth achos fyfyriol, 2,000 gair (100%)"],
        "skills": ["gofal sy'n canolbwyntio ar yr unigolyn", "cynllunio iaith", "ymarfer myfyriol"],
        "entry": "Rhaid eich bod yn gweithio ym maes iechyd neu ofal cymdeithasol.",
    },
]

# Gaelic-language related courses at Glenarden, taught in English with Gaelic materials.
GAELIC_COURSES = [
    "4|Gaelic for the Workplace: Beginners|everyday Gaelic conversation;Gaelic in public signage and services;Gaelic language plans|101120|L",
]

# ---------------------------------------------------------------------------------------------------
# Providers. All fictional. level_scheme: how FHEQ-equivalent levels are expressed.
# ---------------------------------------------------------------------------------------------------

PROVIDERS = [
    {
        "slug": "wychbury", "id": "10099001", "name": "University of Wychbury", "prefix": "WYC",
        "domain": "wychbury.ac.example", "framework": "FHEQ", "credit": "CATS", "format": "native",
        "rate": 58, "languages": [["en"], ["en-GB"]], "free_share": 0.1,
        "areas": [("data", 23), ("ai", 1), ("marketing", 9), ("psychology", 8), ("projects", 5),
                  ("leadership", 4), ("education", 6)],
        "qa": "Approved through the University of Wychbury's Academic Quality Framework for short courses; "
              "externally examined and reviewed annually in line with the UK Quality Code for Higher Education.",
        "cohort_starts": ["2026-02-23", "2026-04-27", "2026-09-28", "2027-01-25", "2027-04-26"],
    },
    {
        "slug": "northmoor", "id": "10099002", "name": "Northmoor University", "prefix": "NMU",
        "domain": "northmoor.ac.example", "framework": "FHEQ", "credit": "CATS", "format": "native",
        "rate": 45, "languages": [["en-GB"]], "free_share": 0.1,
        "areas": [("nursing", 18), ("pubhealth", 8), ("socialcare", 9), ("leadership", 5), ("hr", 6),
                  ("law_health", 5), ("education", 5)],
        "qa": "Validated by Northmoor University's Faculty of Health and Social Care Quality Committee; subject to "
              "external examination, annual monitoring and periodic review. Practice-based courses are co-approved "
              "with partner NHS trusts.",
        "cohort_starts": ["2026-03-02", "2026-05-11", "2026-09-14", "2027-01-11", "2027-05-10"],
    },
    {
        "slug": "kingsbridge", "id": "10099003", "name": "Kingsbridge Institute of Technology", "prefix": "KIT",
        "domain": "kingsbridge-tech.ac.example", "framework": "FHEQ", "credit": "ECTS", "format": "native",
        "rate": 62, "languages": [["en"], ["en-GB"]], "free_share": 0.04,
        "areas": [("cyber", 13), ("software", 11), ("ai", 10), ("engineering", 19), ("projects", 2)],
        "qa": "Kingsbridge micro-credentials are approved by the Institute's Academic Standards Committee, designed "
              "in ECTS to support recognition across Europe, and reviewed by external examiners from industry and "
              "academia.",
        "cohort_starts": ["2026-02-09", "2026-06-01", "2026-10-05", "2027-02-08", "2027-06-07"],
    },
    {
        "slug": "glenarden", "id": "10099004", "name": "University of Glenarden", "prefix": "GLN",
        "domain": "glenarden.ac.example", "framework": "SCQF", "credit": "SCQF", "format": "native",
        "rate": 40, "languages": [["en"]], "free_share": 0.3,
        "areas": [("environment", 11), ("marine", 6), ("psychology", 7), ("leadership", 6), ("pubhealth", 6),
                  ("law_scots", 5), ("education", 4)],
        "qa": "Approved under the University of Glenarden's quality framework and credit-rated on the Scottish Credit "
              "and Qualifications Framework (SCQF); subject to external examining and the QAA Scotland Tertiary "
              "Quality Enhancement Framework.",
        "cohort_starts": ["2026-01-26", "2026-04-20", "2026-09-21", "2027-01-25", "2027-04-19"],
    },
    {
        "slug": "caerwyn", "id": "10099005", "name": "Caerwyn University", "welsh_name": "Prifysgol Caerwyn",
        "prefix": "CRW", "domain": "caerwyn.ac.example", "framework": "CQFW", "credit": "CQFW", "format": "native",
        "rate": 35, "languages": [["en"], ["en"], ["en"], ["en", "cy"]], "free_share": 0.2,
        "areas": [("agrifood", 11), ("heritage", 6), ("education", 6), ("socialcare", 6), ("environment", 7),
                  ("leadership", 5), ("marketing", 4)],
        "qa": "Approved by Caerwyn University's Academic Board and credit-rated on the Credit and Qualifications "
              "Framework for Wales (CQFW); subject to external examination and annual monitoring in line with the "
              "UK Quality Code for Higher Education.",
        "cohort_starts": ["2026-02-02", "2026-04-13", "2026-09-28", "2027-01-18", "2027-04-12"],
    },
    {
        "slug": "ashcombe", "id": "10099006", "name": "Ashcombe Metropolitan University", "prefix": "AMU",
        "domain": "ashcombe.ac.example", "framework": "FHEQ", "credit": "CATS", "format": "xcri-cap",
        "rate": 50, "languages": [["en"]], "free_share": 0.06,
        "areas": [("builtenv", 15), ("law_commercial", 7), ("finance", 11), ("marketing", 5), ("software", 5),
                  ("projects", 6)],
        "qa": "",
        "cohort_starts": ["2026-03-09", "2026-09-21", "2027-01-18"],
    },
]

# Glenarden's data courses: four lines drawn from the end of the data pool, plus its own.
GLENARDEN_EXTRA = [
    "7|Data Science for Public Services|public sector data sources;service performance analytics;data-informed policy|100755|",
    "6|Introduction to R for Scientists|the tidyverse;reproducible reports with R Markdown;statistical graphics|101030|L",
    "7|Machine Learning for Environmental Data|remote sensing imagery;species distribution models;spatial cross-validation|100992|",
    "8|Advanced Qualitative Research Methods|interpretative phenomenological analysis;reflexivity;qualitative data software|100959|",
    "7|Applied Data Science with Python|exploratory data analysis;predictive modelling;data pipelines|100755|o:pgcert-applied-data-science",
]

JACS_FOR_AREA = {
    "builtenv": ["K200", "K230", "K240", "K210"], "law_commercial": ["M221", "M200", "M100"],
    "finance": ["N400", "N300", "N340", "N420"], "marketing": ["N500"], "software": ["I300", "I100", "G400"],
    "projects": ["N200", "N211"],
}
JACS_NAMES = {"G400": "Computer science"}

CREDIT_WEIGHTS = {10: 3, 15: 4, 20: 4, 30: 2}
ECTS_BY_CATS = {10: 5, 15: 7.5, 20: 10, 30: 15}


# ---------------------------------------------------------------------------------------------------


def parse_line(line: str) -> dict:
    parts = [p.strip() for p in line.split("|")]
    while len(parts) < 5:
        parts.append("")
    level, title, concepts, hecos, flags = parts[:5]
    return {
        "level": int(level), "title": title, "concepts": [c.strip() for c in concepts.split(";")],
        "hecos": [h for h in hecos.split("+") if h], "flags": [f for f in flags.split(",") if f],
    }


def pool(area: str) -> list[dict]:
    return [parse_line(line) for line in AREAS[area]["pool"].strip().splitlines() if line.strip()]


def slugify(text: str) -> str:
    text = text.lower().replace("&", "and").replace("–", "-")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def provider_level(provider: dict, fheq: int, rng: random.Random) -> int:
    if provider["framework"] == "SCQF":
        return {4: 7, 5: 8, 6: rng.choice([9, 10, 10]), 7: 11, 8: 12}[fheq]
    return fheq


def eqf_of(fheq: int) -> int:
    return {4: 5, 5: 5, 6: 6, 7: 7, 8: 8}[fheq]


def pick_credit(rng: random.Random, flags: list[str], fheq: int, ects: bool = False) -> int:
    for f in flags:
        if re.fullmatch(r"c\d+", f):
            return int(f[1:])
    weights = dict(CREDIT_WEIGHTS)
    if fheq <= 5:
        weights[30] = 0
        weights[10] += 3
    if fheq >= 7:
        weights[10] = 1
    if ects:  # Kingsbridge designs in 5, 7.5 and 10 ECTS
        weights[30] = 0
    values = [v for v in weights if weights[v]]
    return rng.choices(values, weights=[weights[v] for v in values])[0]


def fill(template: str, concepts: list[str]) -> str:
    a, b, c = (concepts + concepts)[:3]
    return template.format(a=a, b=b, c=c)


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def pick_outcomes(rng: random.Random, family: dict, concepts: list[str], fheq: int) -> list[str]:
    n = rng.choice([3, 4, 4, 5, 5, 6])
    if fheq <= 5:
        wanted = {1: 2, 2: 2, 3: 0}
    elif fheq == 6:
        wanted = {1: 0, 2: 3, 3: 1}
    else:
        wanted = {1: 0, 2: 2, 3: 3}
    pool_ = []
    for tier, weight in wanted.items():
        pool_ += [(t, text, weight) for t, text in family["outcomes"] if t == tier and weight]
    chosen: list[tuple[int, str]] = []
    candidates = pool_[:]
    while candidates and len(chosen) < n:
        item = rng.choices(candidates, weights=[w for _, _, w in candidates])[0]
        candidates.remove(item)
        chosen.append((item[0], item[1]))
    chosen.sort(key=lambda x: x[0])  # from knowledge to evaluation, as module specifications are written
    # rotate concepts so different outcomes emphasise different concepts
    out = []
    start = rng.randrange(len(concepts))
    for i, (_, text) in enumerate(chosen):
        out.append(fill_focused(text, concepts, (start + i) % len(concepts)))
    return out


def fill_focused(template: str, concepts: list[str], focus: int) -> str:
    """Fill a template so that its first placeholder names concept ``focus`` and the others the rest, in order."""
    order = []
    for name in re.findall(r"{(\w)}", template):
        if name not in order:
            order.append(name)
    rest = [c for j, c in enumerate(concepts) if j != focus]
    values = [concepts[focus]] + rest
    return template.format(**{name: values[k % len(values)] for k, name in enumerate(order)})


def words_for(credit_cats: int) -> tuple[str, str]:
    long_ = {10: "2,000", 15: "2,500", 20: "3,000", 30: "4,000"}[credit_cats]
    short = {10: "1,000", 15: "1,000", 20: "1,500", 30: "2,000"}[credit_cats]
    return long_, short


def pick_assessment(rng: random.Random, family: dict, credit_cats: int) -> list[str]:
    n = rng.choices([1, 2, 3], weights=[2, 5, 2])[0]
    if credit_cats <= 10:
        n = min(n, 2)
    items = rng.sample(family["assessment"], n)
    w, s = words_for(credit_cats)
    splits = {1: [[100]], 2: [[50, 50], [60, 40], [70, 30], [40, 60]], 3: [[40, 30, 30], [50, 25, 25], [20, 40, 40]]}[n]
    split = rng.choice(splits)
    # "Technical report (3,000 words)" -> "Technical report, 3,000 words (60%)"
    out = []
    for item, pct in zip(items, split, strict=True):
        text = re.sub(r" [(]([^)]*)[)]$", r", \1", item.format(w=w, s=s))
        out.append(f"{text} ({pct}%)")
    return out


def is_supervised(assessment: list[str]) -> bool:
    return any(re.search(r"examination|\btest\b|OSCE|Observed|viva|Arholiad", a, re.I) for a in assessment)


ENTRY_BY_LEVEL = {
    4: ["No formal entry requirements. You should be comfortable studying online and writing in English.",
        "Open to all; no previous study is required."],
    5: ["No formal entry requirements, though some study at level 4 or relevant work experience is helpful.",
        "Level 3 qualifications (for example, A levels or an Access to HE Diploma) or equivalent experience."],
    6: ["Normally 240 credits of higher education study (for example, a foundation degree or HND) in a related subject, "
        "or relevant professional experience.",
        "A level 5 qualification or at least two years' relevant work experience.",
        "Open to graduates in any subject and to experienced practitioners without a degree, assessed case by case."],
    7: ["A UK honours degree (normally 2:2 or above) in a relevant subject, or equivalent professional qualifications "
        "and experience.",
        "An honours degree or equivalent, plus at least two years' relevant professional experience.",
        "A first degree in any discipline; applicants without a degree but with substantial relevant experience are welcome to apply."],
    8: ["Registration on a doctoral programme, or a master's degree and current research activity."],
}

COST_NOTES = [
    "Fee covers tuition, assessment and a digital credential.",
    "Employer-sponsored places are invoiced at the same rate.",
    "A 10% discount applies to alumni of member universities.",
    "Instalment plans are available on request.",
    "Includes access to online library resources for the duration of the course.",
]

FREE_NOTES = {
    "wychbury": "Free: fully funded by the Wychbury Regional Skills Partnership for learners working in the region.",
    "northmoor": "No fee for staff of partner NHS trusts and local authorities; funded through workforce development budgets.",
    "kingsbridge": "Free for employees of Kingsbridge Digital Skills Partnership member organisations.",
    "glenarden": "No fee: funded places for learners living or working in Scotland (eligibility criteria apply).",
    "caerwyn": "Free to learners living or working in Wales through the Caerwyn Skills Fund (eligibility criteria apply).",
    "ashcombe": "Free: funded by the Ashcombe Construction Skills Fund.",
}

MODE_CHOICES = {
    "computing": [["online-asynchronous"], ["online-synchronous"], ["blended"], ["online-synchronous", "online-asynchronous"], ["on-campus"]],
    "health": [["blended"], ["blended", "work-based"], ["online-asynchronous"], ["online-synchronous"], ["on-campus"], ["work-based"]],
    "business": [["online-asynchronous"], ["online-synchronous"], ["blended"], ["work-based", "online-asynchronous"]],
    "law": [["online-asynchronous"], ["online-synchronous"], ["blended"]],
    "education": [["blended"], ["online-synchronous"], ["work-based", "online-asynchronous"], ["on-campus"]],
    "engineering": [["blended"], ["on-campus"], ["online-synchronous"], ["work-based", "blended"]],
    "environment": [["blended"], ["online-asynchronous"], ["on-campus"], ["online-synchronous"]],
    "psychology": [["online-asynchronous"], ["online-synchronous"], ["blended"]],
    "builtenv": [["blended"], ["on-campus"], ["online-synchronous"]],
    "humanities": [["online-asynchronous"], ["blended"], ["on-campus"]],
}


def cohort_schedule(rng: random.Random, provider: dict, hours: int) -> dict:
    starts = provider["cohort_starts"]
    k = rng.choices([1, 2, 3], weights=[3, 4, 2])[0]
    first = rng.randrange(0, len(starts) - k + 1)
    chosen = starts[first:first + k]
    weeks = max(4, min(20, round(hours / rng.choice([8, 10, 12]))))
    presentations = []
    for s in chosen:
        start = date.fromisoformat(s)
        presentations.append({
            "start": start.isoformat(),
            "end": (start + timedelta(weeks=weeks, days=-3)).isoformat(),
            "apply_by": (start - timedelta(days=rng.choice([14, 21, 28]))).isoformat(),
            "places": rng.choice([16, 20, 24, 25, 30, 40, 50, 60]),
        })
    return {"type": "cohort", "presentations": presentations}


def updated_stamp(rng: random.Random) -> str:
    day = date(2025, 9, 1) + timedelta(days=rng.randrange(0, 130))
    return f"{day.isoformat()}T{rng.randrange(8, 18):02d}:{rng.choice(['00', '15', '30', '45'])}:00Z"


def build_course(rng: random.Random, provider: dict, area: str, spec: dict, seq: int) -> dict:
    fam_name = AREAS[area]["family"] if area in AREAS else "humanities"
    family = FAMILIES[fam_name]
    area_info = AREAS.get(area, {})
    fheq = spec["level"]
    flags = spec.get("flags", [])
    cats = spec.get("credit") or pick_credit(rng, flags, fheq, provider["credit"] == "ECTS")
    level_value = provider_level(provider, fheq, rng)
    code = area_info.get("code", "GN")
    cid = f"{provider['prefix']}-{code}{level_value}{seq:02d}"
    title = spec["title"]
    concepts = spec["concepts"]
    base = f"https://www.{provider['domain']}"

    # schedule
    if provider["format"] == "xcri-cap":  # XCRI-CAP describes courses through dated presentations
        learner_led = False
    elif "L" in flags:
        learner_led = True
    elif "C" in flags:
        learner_led = False
    else:
        learner_led = rng.random() < 0.2
    hours = cats * 10

    # mode
    if learner_led:
        mode = rng.choice([["online-asynchronous"], ["online-asynchronous"], ["online-asynchronous", "work-based"]])
        schedule = {"type": "learner-led", "max_engagement_days": rng.choice([90, 120, 180, 180, 365])}
    else:
        mode = rng.choice(MODE_CHOICES[fam_name])
        schedule = cohort_schedule(rng, provider, hours)

    outcomes = spec.get("outcomes") or pick_outcomes(rng, family, concepts, fheq)
    a, b, c = (concepts + concepts)[:3]
    summary = spec.get("summary") or " ".join([
        cap(rng.choice(family["hooks"]).format(a=a, b=b, c=c)),
        delivery_sentence(rng, learner_led, mode, hours, schedule),
        rng.choice(family["audience"]),
    ])
    aims = spec.get("aims") or rng.choice(family["aims"]).format(a=a, b=b, c=c)

    assessment = spec.get("assessment") or pick_assessment(rng, family, cats)
    supervised = is_supervised(assessment)
    if supervised:
        supervision = "supervised-online" if mode[0].startswith("online") else "supervised-onsite"
        identity = True
    else:
        supervision = "unsupervised"
        identity = rng.random() < 0.45

    # cost
    if rng.random() < provider["free_share"]:
        cost = {"amount": "0.00", "currency": "GBP", "notes": FREE_NOTES[provider["slug"]]}
    else:
        amount = round(cats * provider["rate"] * rng.uniform(0.85, 1.2) / 5) * 5
        if fam_name == "health" and cats >= 30:
            amount = max(amount, 1450)
        cost = {"amount": f"{amount}.00", "currency": "GBP", "notes": rng.choice(COST_NOTES)}

    # entry requirements
    entry = spec.get("entry") or rng.choice(ENTRY_BY_LEVEL[fheq])
    extra = family.get("entry")
    if extra and not spec.get("entry") and (fam_name in ("health", "education") or rng.random() < 0.5):
        entry = f"{entry} {extra}"
    if fam_name == "health" and "p" in flags and area == "nursing":
        entry += " Current registration with the Nursing and Midwifery Council (NMC) is required."

    skills = spec.get("skills")
    if not skills:
        bank = family["skills"] + area_info.get("skills", [])
        skills = rng.sample(bank, rng.randint(3, 6))

    psrb = []
    if "p" in flags and area_info.get("psrb"):
        body, nature = rng.choice(area_info["psrb"])
        psrb.append({"body": body, "nature": nature})

    pathways = []
    for f in flags if provider["slug"] == "wychbury" else []:
        if f.startswith(("k:", "cap:")):
            pathways.append({"id": f.split(":", 1)[1], "role": "core"})
        elif f.startswith("o:"):
            pathways.append({"id": f.split(":", 1)[1], "role": "option"})

    subjects = [{"scheme": "HECoS", "code": h} for h in (spec.get("hecos") or [area_info["hecos"]])]
    credit_value: float | int = cats
    if provider["credit"] == "ECTS":
        credit_value = ECTS_BY_CATS[cats]

    course = {
        "id": cid,
        "status": "active",
        "title": title,
        "url": f"{base}/micro-credentials/{slugify(title)}",
        "summary": summary,
        "aims": aims,
        "learning_outcomes": outcomes,
        "credit": {"value": credit_value, "scheme": provider["credit"]},
        "level": {"framework": provider["framework"], "value": level_value},
        "subjects": subjects,
        "mode": mode,
        "study_hours": hours,
        "languages": spec.get("languages") or rng.choice(provider["languages"]),
        "schedule": schedule,
        "cost": cost,
        "entry_requirements": entry,
        "assessment": assessment,
        "assessment_supervision": supervision,
        "identity_verified": identity,
        "apply_url": f"https://apply.{provider['domain']}/micro-credentials/{cid.lower()}",
        "awarding_body": {"id": provider["id"], "name": provider["name"]},
        "quality_assurance": provider["qa"],
        "psrb_recognition": psrb,
        "skills": skills,
        "pathways": pathways,
        "updated": updated_stamp(rng),
        # carried for the generator only (removed before writing)
        "_area": area, "_fheq": fheq, "_cats": cats, "_flags": flags,
    }
    return course


def delivery_sentence(rng: random.Random, learner_led: bool, mode: list[str], hours: int, schedule: dict) -> str:
    if learner_led:
        days = schedule["max_engagement_days"]
        months = {90: "three months", 120: "four months", 180: "six months", 365: "twelve months"}[days]
        return rng.choice([
            f"Study at your own pace online: most learners complete the {hours} hours of study within {months}.",
            f"Start at any time and complete the course online within {months}, with tutor support throughout.",
            f"Fully online and self-paced, with {hours} hours of study to complete within {months}.",
        ])
    first = schedule["presentations"][0]
    start = date.fromisoformat(first["start"]).strftime("%B %Y")
    weeks = (date.fromisoformat(first["end"]) - date.fromisoformat(first["start"])).days // 7 + 1
    how = {
        "online-synchronous": "live online sessions",
        "online-asynchronous": "online study with weekly tutor contact",
        "blended": "a mix of online study and campus workshops",
        "on-campus": "on-campus teaching",
        "work-based": "learning in your own workplace",
    }[mode[0]]
    return rng.choice([
        f"Taught in small cohorts over {weeks} weeks through {how}; the next intake starts in {start}.",
        f"Runs over {weeks} weeks, next starting in {start}, through {how}.",
        f"Delivered through {how} across {weeks} weeks ({hours} hours of study in total).",
    ])


# ---------------------------------------------------------------------------------------------------


def plan_courses(rng: random.Random) -> dict[str, list[dict]]:
    """Every provider's courses, before provider-specific touches (withdrawn, broken, pathways)."""
    pools = {area: pool(area) for area in AREAS}
    cursor = {area: 0 for area in AREAS}
    result: dict[str, list[dict]] = {}
    for provider in PROVIDERS:
        specs: list[tuple[str, dict]] = []
        for area, count in provider["areas"]:
            take = pools[area][cursor[area]:cursor[area] + count]
            if len(take) < count:
                raise SystemExit(f"pool {area} exhausted for {provider['slug']}")
            cursor[area] += count
            specs += [(area, s) for s in take]
        if provider["slug"] == "glenarden":
            specs += [("data", parse_line(line)) for line in GLENARDEN_EXTRA]
            specs += [("gaelic", {**parse_line(line), "languages": ["en", "gd"]}) for line in GAELIC_COURSES]
        for dup in NEAR_DUPLICATES:
            for side in ("a", "b"):
                info = dup[side]
                if info["provider"] == provider["slug"]:
                    specs.append((dup["area"], {
                        "level": dup["level"], "title": info["title"], "concepts": dup["concepts"],
                        "hecos": [dup["hecos"]], "flags": [f for f in info.get("flags", "").split(",") if f],
                        "credit": info["credit"], "outcomes": info["outcomes"], "_dup": dup["key"],
                    }))
        if provider["slug"] == "caerwyn":
            for w in WELSH_COURSES:
                specs.append(("welsh", {
                    "level": w["level"], "title": w["title"], "concepts": ["", "", ""], "hecos": [w["hecos"]],
                    "flags": ["L"] if w["learner_led"] else ["C"], "credit": w["credit"],
                    "outcomes": w["outcomes"], "summary": w["summary"], "aims": w["aims"],
                    "assessment": w["assessment"], "skills": w["skills"], "entry": w["entry"],
                    "languages": w["languages"],
                }))
        courses = []
        seq_by_key: dict[str, int] = {}
        for area, spec in specs:
            key = f"{AREAS.get(area, {}).get('code', 'GN')}{spec['level']}"
            seq_by_key[key] = seq_by_key.get(key, 0) + 1
            course = build_course(rng, provider, area, spec, seq_by_key[key])
            if "_dup" in spec:
                course["_dup"] = spec["_dup"]
            courses.append(course)
        result[provider["slug"]] = courses
    return result


AREAS["welsh"] = {"family": "humanities", "code": "CY", "hecos": "100333", "psrb": [], "skills": [], "pool": ""}
AREAS["gaelic"] = {"family": "humanities", "code": "GD", "hecos": "101120", "psrb": [], "skills": [], "pool": ""}


def build_pathways(provider: dict, courses: list[dict], all_courses: dict[str, list[dict]]) -> list[dict]:
    by_pw: dict[str, dict[str, list[dict]]] = {}
    for c in courses:
        for f in c["_flags"]:
            if ":" in f:
                role, pw = f.split(":", 1)
                by_pw.setdefault(pw, {}).setdefault(role, []).append(c)
    external: dict[str, list[str]] = {}
    for slug, cs in all_courses.items():
        if slug == provider["slug"]:
            continue
        prov = next(p for p in PROVIDERS if p["slug"] == slug)
        for c in cs:
            for f in c["_flags"]:
                if f.startswith("o:"):
                    external.setdefault(f[2:], []).append(f"{prov['id']}/{c['id']}")
    # External options that do not flag themselves: Kingsbridge's near-duplicate machine learning course.
    for slug, cs in all_courses.items():
        prov = next(p for p in PROVIDERS if p["slug"] == slug)
        for c in cs:
            if c.get("_dup") == "ml" and slug != provider["slug"]:
                external.setdefault("pgcert-applied-data-science", []).append(f"{prov['id']}/{c['id']}")
    out = []
    meta = {
        "pgcert-applied-data-science": {
            "title": "Postgraduate Certificate in Applied Data Science", "level": 7, "total": 60,
            "min_at_level": 40, "option_min": 15, "max_external_share": 0.5, "max_span_years": 5,
            "description": "Stack three core micro-credentials (including the capstone project) with one option, "
                           "which may be taken at a partner university, to gain a PGCert.",
        },
        "grad-cert-digital-marketing": {
            "title": "Graduate Certificate in Digital Marketing", "level": 6, "total": 60,
            "min_at_level": 60, "option_min": 20, "max_external_share": 0.34, "max_span_years": 3,
            "description": "Two core and one optional 20-credit micro-credential make up the Graduate Certificate.",
        },
    }
    for pw, roles in by_pw.items():
        m = meta[pw]
        core = [c["id"] for c in roles.get("k", []) + roles.get("cap", [])]
        capstone = roles.get("cap", [None])[0]
        options = [f"{provider['id']}/{c['id']}" for c in roles.get("o", [])] + external.get(pw, [])
        out.append({
            "id": pw,
            "title": m["title"],
            "description": m["description"],
            "url": f"https://www.{provider['domain']}/pathways/{pw}",
            "level": {"framework": "FHEQ", "value": m["level"]},
            "total_credit": {"value": m["total"], "scheme": "CATS"},
            "rules": {
                "min_credit_at_level": {"level": m["level"], "credit": m["min_at_level"]},
                "core": core,
                "option_groups": [{"min_credit": m["option_min"], "courses": options}],
                "max_external_share": m["max_external_share"],
                **({"capstone": capstone["id"]} if capstone else {}),
                "max_span_years": m["max_span_years"],
            },
        })
    return out


def clean(course: dict) -> dict:
    out = {k: v for k, v in course.items() if not k.startswith("_")}
    for key in ("psrb_recognition", "pathways"):
        if not out[key]:
            del out[key]
    return out


def native_feed(provider: dict, courses: list[dict], pathways: list[dict]) -> dict:
    prov = {"id": provider["id"], "id_scheme": "UKPRN", "name": provider["name"], "country": "GB",
            "url": f"https://www.{provider['domain']}/"}
    feed = {"format": "climbing-frame/catalogue-feed", "version": "1.0", "generated": GENERATED,
            "provider": prov, "courses": [clean(c) for c in courses]}
    if pathways:
        feed["pathways"] = pathways
    return feed


# ---------------------------------------------------------------------------------------------------
# XCRI-CAP 1.2
# ---------------------------------------------------------------------------------------------------

NS = {
    "xmlns:xcri": "http://xcri.org/profiles/1.2/catalog",
    "xmlns:xcriTerms": "http://xcri.org/profiles/catalog/terms",
    "xmlns:dc": "http://purl.org/dc/elements/1.1/",
    "xmlns:dcterms": "http://purl.org/dc/terms/",
    "xmlns:mlo": "http://purl.org/net/mlo",
    "xmlns:credit": "http://purl.org/net/cm",
    "xmlns:courseDataProgramme": "http://xcri.co.uk",
    "xmlns:xhtml": "http://www.w3.org/1999/xhtml",
    "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def hecos_name(code: str) -> str:
    return HECOS[code]


def jacs_name(code: str) -> str:
    return JACS_NAMES.get(code) or JACS[code]


def load_vocab() -> None:
    import csv
    with (ROOT / "config/vocab/hecos.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            HECOS[row["hecos_code"]] = row["name"]
    with (ROOT / "config/vocab/jacs3.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            JACS[row["jacs_code"]] = row["name"]


HECOS: dict[str, str] = {}
JACS: dict[str, str] = {}

ATTENDANCE = {
    "online-asynchronous": ("DA", "Distance with attendance"),
    "online-synchronous": ("DA", "Distance with attendance"),
    "blended": ("BL", "Blended learning"),
    "on-campus": ("CM", "Campus"),
    "work-based": ("BL", "Blended learning"),
}


def xcri_feed(rng: random.Random, provider: dict, courses: list[dict]) -> str:
    x = ['<?xml version="1.0" encoding="UTF-8"?>']
    attrs = " ".join(f'{k}="{v}"' for k, v in NS.items())
    schema_loc = ("http://xcri.org/profiles/1.2/catalog http://www.xcri.co.uk/bindings/xcri_cap_1_2.xsd "
                  "http://xcri.org/profiles/1.2/catalog/terms http://www.xcri.co.uk/bindings/xcri_cap_terms_1_2.xsd "
                  "http://xcri.co.uk http://www.xcri.co.uk/bindings/coursedataprogramme.xsd")
    x.append(f'<xcri:catalog {attrs}\n\txsi:schemaLocation="{schema_loc}"\n\tgenerated="{GENERATED}">')
    x.append('\t<dc:description xml:lang="en">Short, credit-bearing courses (micro-credentials) from Ashcombe '
             'Metropolitan University. Fictional demonstration data for Climbing Frame. Updated weekly.</dc:description>')
    x.append("\t<xcri:provider>")
    x.append("\t\t<dc:description>Ashcombe Metropolitan University — a fictional university of the built "
             "environment, law and business, with campuses in Ashcombe and Fénwick Quay.</dc:description>")
    x.append(f"\t\t<dc:identifier>{provider['id']}</dc:identifier>")
    x.append(f"\t\t<dc:title>{escape(provider['name'])}</dc:title>")
    x.append(f"\t\t<mlo:url>https://www.{provider['domain']}/</mlo:url>")
    for i, c in enumerate(courses):
        t = "\t\t\t"
        x.append("\t\t<xcri:course>")
        x.append(f"{t}<dc:description xsi:type=\"xcriTerms:aim\">{escape(c['aims'])}</dc:description>")
        x.append(f"{t}<dc:identifier>{c['id']}</dc:identifier>")
        code = c["subjects"][0]["code"]
        if i % 2 == 0 and c["_area"] in JACS_FOR_AREA:
            jacs = JACS_FOR_AREA[c["_area"]][(i // 2) % len(JACS_FOR_AREA[c["_area"]])]
            x.append(f"{t}<dc:subject xsi:type=\"courseDataProgramme:JACS3\" identifier=\"{jacs}\">"
                     f"{escape(jacs_name(jacs))}</dc:subject>")
        else:
            x.append(f"{t}<dc:subject xsi:type=\"HECoS\" identifier=\"{code}\">{escape(hecos_name(code))}</dc:subject>")
        x.append(f"{t}<dc:title>{escape(c['title'])}</dc:title>")
        x.append(f"{t}<mlo:url>{c['url']}</mlo:url>")
        x.append(f"{t}<xcri:abstract>{escape(c['summary'])}</xcri:abstract>")
        x.append(f"{t}<mlo:assessment>{escape('; '.join(c['assessment']))}</mlo:assessment>")
        for lo in c["learning_outcomes"]:
            x.append(f"{t}<xcri:learningOutcome>{escape(lo)}</xcri:learningOutcome>")
        x.append(f"{t}<mlo:prerequisite>{escape(c['entry_requirements'])}</mlo:prerequisite>")
        if c["_area"] == "builtenv" and i % 2 == 0:
            x.append(f"{t}<mlo:qualification>")
            x.append(f"{t}\t<dc:title>Micro-credential in {escape(c['title'])}</dc:title>")
            x.append(f"{t}\t<xcri:awardedBy>{escape(provider['name'])}</xcri:awardedBy>")
            x.append(f"{t}\t<xcri:accreditedBy>Royal Institution of Chartered Surveyors (RICS)</xcri:accreditedBy>")
            x.append(f"{t}</mlo:qualification>")
        x.append(f"{t}<mlo:credit>")
        x.append(f"{t}\t<credit:scheme>CATS</credit:scheme>")
        x.append(f"{t}\t<credit:level>{c['level']['value']}</credit:level>")
        x.append(f"{t}\t<credit:value>{c['_cats']}</credit:value>")
        x.append(f"{t}</mlo:credit>")
        amount = c["cost"]["amount"]
        cost_text = "free" if amount == "0.00" else f"£{int(float(amount)):,}"
        code_, label = ATTENDANCE[c["mode"][0]]
        if c["schedule"]["type"] == "cohort":
            presentations = c["schedule"]["presentations"]
        else:  # XCRI-CAP has no learner-led schedule: publish one open presentation per term instead
            presentations = [{"start": s, "end": None, "apply_by": None, "places": None}
                             for s in provider["cohort_starts"][:2]]
        for p in presentations:
            x.append(f"{t}<xcri:presentation>")
            x.append(f"{t}\t<dc:identifier>{c['id']}-{p['start'][:7].replace('-', '')}</dc:identifier>")
            x.append(f"{t}\t<mlo:start dtf=\"{p['start']}\">{human_date(p['start'])}</mlo:start>")
            if p["end"]:
                x.append(f"{t}\t<xcri:end dtf=\"{p['end']}\">{human_date(p['end'])}</xcri:end>")
                weeks = (date.fromisoformat(p["end"]) - date.fromisoformat(p["start"])).days // 7 + 1
                x.append(f"{t}\t<mlo:duration interval=\"P{weeks}W\">{weeks} weeks</mlo:duration>")
            if p["apply_by"]:
                x.append(f"{t}\t<xcri:applyUntil dtf=\"{p['apply_by']}\">{human_date(p['apply_by'])}</xcri:applyUntil>")
            x.append(f"{t}\t<xcri:applyTo>{c['apply_url']}</xcri:applyTo>")
            x.append(f"{t}\t<mlo:engagement>{c['study_hours']} hours of study</mlo:engagement>")
            x.append(f"{t}\t<xcri:studyMode identifier=\"PT\">Part time</xcri:studyMode>")
            x.append(f"{t}\t<xcri:attendanceMode identifier=\"{code_}\">{label}</xcri:attendanceMode>")
            x.append(f"{t}\t<mlo:languageOfInstruction>en</mlo:languageOfInstruction>")
            if p["places"]:
                x.append(f"{t}\t<mlo:places>{p['places']}</mlo:places>")
            x.append(f"{t}\t<mlo:cost>{cost_text}</mlo:cost>")
            x.append(f"{t}</xcri:presentation>")
        x.append("\t\t</xcri:course>")
    x.append("\t\t<mlo:location>")
    x.append("\t\t\t<mlo:town>Ashcombe</mlo:town>")
    x.append("\t\t\t<mlo:postcode>AC1 4MU</mlo:postcode>")
    x.append("\t\t\t<mlo:address>Campus Crescent, Ashcombe</mlo:address>")
    x.append("\t\t\t<mlo:email>shortcourses@ashcombe.ac.example</mlo:email>")
    x.append("\t\t</mlo:location>")
    x.append("\t</xcri:provider>")
    x.append("</xcri:catalog>")
    return "\n".join(x) + "\n"


def human_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


# ---------------------------------------------------------------------------------------------------


WITHDRAWN = {"northmoor": 3}
BROKEN_PROVIDER = "kingsbridge"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "config/demo")
    args = parser.parse_args()
    load_vocab()
    rng = random.Random(SEED)
    plan = plan_courses(rng)

    # Northmoor: three courses withdrawn (superseded), still in the feed with status "withdrawn".
    nmu = plan["northmoor"]
    for c in [nmu[11], nmu[29], nmu[48]]:
        c["status"] = "withdrawn"
        c["summary"] = "This course is no longer recruiting and has been replaced. " + c["summary"]

    # Kingsbridge: two deliberately invalid records (quarantine demo).
    kit = plan["kingsbridge"]
    bad_subject, bad_credit = kit[7], kit[30]
    bad_subject["subjects"] = [{"scheme": "HECoS", "code": "109999"}]
    bad_credit["_drop_credit"] = True

    feeds_dir = args.out / "feeds"
    feeds_dir.mkdir(parents=True, exist_ok=True)
    toml = ["# Demo consortium feeds (fictional universities). Generated by deploy/demo/make_demo_feeds.py.",
            "# file is relative to config/demo/feeds/.", ""]
    summary = []
    for provider in PROVIDERS:
        courses = plan[provider["slug"]]
        if provider["format"] == "native":
            pathways = build_pathways(provider, courses, plan) if provider["slug"] == "wychbury" else []
            feed = native_feed(provider, courses, pathways)
            for raw, c in zip(feed["courses"], courses, strict=True):
                if c.get("_drop_credit"):
                    del raw["credit"]
            name = f"{provider['slug']}.json"
            (feeds_dir / name).write_text(json.dumps(feed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            name = f"{provider['slug']}.xml"
            (feeds_dir / name).write_text(xcri_feed(rng, provider, courses), encoding="utf-8")
        toml += ["[[feed]]", f'provider_id = "{provider["id"]}"', f"name = {json.dumps(provider['name'])}",
                 f'file = "{name}"', f'format = "{provider["format"]}"', 'every = "6h"', ""]
        summary.append((provider, name, courses))
    (args.out / "feeds.toml").write_text("\n".join(toml), encoding="utf-8")
    make_onboarding_feed.write(args.out)  # the seventh member, written like a real university's feed

    total = 0
    for _provider, name, courses in summary:
        total += len(courses)
        levels: dict[str, int] = {}
        for c in courses:
            key = f"{c['level']['framework']} {c['level']['value']}"
            levels[key] = levels.get(key, 0) + 1
        ll = sum(c["schedule"]["type"] == "learner-led" for c in courses)
        print(f"{name:18} {len(courses):3} courses  learner-led {ll:2}  cohort {len(courses) - ll:2}  "
              + ", ".join(f"{k}: {v}" for k, v in sorted(levels.items())))
    print(f"total {total}")
    print(f"invalid on purpose (kingsbridge): {bad_subject['id']} (unknown HECoS 109999), {bad_credit['id']} (no credit)")
    print("withdrawn (northmoor): " + ", ".join(c["id"] for c in nmu if c["status"] == "withdrawn"))


if __name__ == "__main__":
    main()
